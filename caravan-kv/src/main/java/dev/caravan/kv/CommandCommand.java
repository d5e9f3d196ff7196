package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * COMMAND, COMMAND COUNT | INFO | DOCS | LIST [FILTERBY MODULE|ACLCAT|PATTERN arg] | HELP, as
 * redis-server 7.0's {@code commandCommand} family, over {@link CommandTable}: exactly the
 * supported commands are counted, listed and described, with redis-server's own entries. A
 * name is looked up case-insensitively, {@code container|sub} naming a subcommand; an unknown
 * one is a nil in COMMAND INFO and left out of COMMAND DOCS. Whole-table replies come in
 * {@link CommandTable#SUPPORTED} order (redis-server's is its hash table's). Pure.
 */
final class CommandCommand {
    /** Redis 7.0's ACL categories, without the '@' (COMMAND LIST FILTERBY ACLCAT). */
    private static final Set<String> ACL_CATEGORIES = Set.of("keyspace", "read", "write", "set", "sortedset", "list",
            "hash", "string", "bitmap", "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking",
            "dangerous", "connection", "transaction", "scripting");
    private static final String[] HELP = {
        "(no subcommand)",
        "    Return details about all Redis commands.",
        "COUNT",
        "    Return the total number of commands in this Redis server.",
        "LIST",
        "    Return a list of all commands in this Redis server.",
        "INFO [<command-name> ...]",
        "    Return details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
        "DOCS [<command-name> ...]",
        "    Return documentation details about multiple Redis commands.",
        "    If no command names are given, documentation details for all",
        "    commands are returned.",
    };

    private CommandCommand() {
    }

    static Reply execute(Command c) {
        if (c.size() == 1) {
            return allInfo();
        }
        return switch (c.text(1).toUpperCase(Locale.ROOT)) {
            case "COUNT" -> Reply.integer(CommandTable.SPECS.size());
            case "INFO" -> {
                if (c.size() == 2) {
                    yield allInfo();
                }
                List<Reply> out = new ArrayList<>();
                for (int i = 2; i < c.size(); i++) {
                    CommandTable.Spec s = lookup(c.arg(i));
                    out.add(s == null ? Reply.NIL : s.info());
                }
                yield new Reply.Array(out);
            }
            case "DOCS" -> docs(c);
            case "LIST" -> list(c);
            case "HELP" -> help(c, HELP);
            default -> CommandTable.unknownSubcommand(c);
        };
    }

    /** Redis's {@code addReplyHelp}: a header naming the command, the lines, and HELP's own. */
    static Reply help(Command c, String[] lines) {
        List<Reply> out = new ArrayList<>();
        out.add(new Reply.Simple(KvError.echo(c.arg(0)).toUpperCase(Locale.ROOT)
                + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
        for (String line : lines) {
            out.add(new Reply.Simple(line));
        }
        out.add(new Reply.Simple("HELP"));
        out.add(new Reply.Simple("    Prints this help."));
        return new Reply.Array(out);
    }

    private static Reply allInfo() {
        List<Reply> out = new ArrayList<>();
        CommandTable.SPECS.values().forEach(s -> out.add(s.info()));
        return new Reply.Array(out);
    }

    private static Reply docs(Command c) {
        List<Reply> out = new ArrayList<>();
        if (c.size() == 2) {
            CommandTable.SPECS.values().forEach(s -> addDocs(out, s));
        } else {
            for (int i = 2; i < c.size(); i++) {
                CommandTable.Spec s = lookup(c.arg(i));
                if (s != null) {
                    addDocs(out, s);
                }
            }
        }
        return new Reply.Map(out);
    }

    private static void addDocs(List<Reply> out, CommandTable.Spec s) {
        out.add(Reply.bulk(s.fullName()));
        out.add(s.docs() == null ? new Reply.Map(List.of()) : s.docs());
    }

    private static Reply list(Command c) {
        String filter = null;
        byte[] arg = null;
        for (int i = 2; i < c.size(); i++) {
            if (ZSetCommands.is(c, i, "FILTERBY") && c.size() - 1 - i == 2) {
                filter = c.text(i + 1).toUpperCase(Locale.ROOT);
                if (!filter.equals("MODULE") && !filter.equals("ACLCAT") && !filter.equals("PATTERN")) {
                    throw KvError.SYNTAX;
                }
                arg = c.arg(i + 2);
                i += 2;
            } else {
                throw KvError.SYNTAX;
            }
        }
        List<Reply> out = new ArrayList<>();
        for (CommandTable.Spec s : CommandTable.SPECS.values()) {
            addListed(out, s, filter, arg);
            for (CommandTable.Spec sub : s.subcommands().values()) {
                addListed(out, sub, filter, arg);
            }
        }
        return new Reply.Array(out);
    }

    private static void addListed(List<Reply> out, CommandTable.Spec s, String filter, byte[] arg) {
        boolean keep = filter == null || switch (filter) {
            case "MODULE" -> false; // no command comes from a module
            case "ACLCAT" -> {
                String cat = new String(arg, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
                yield ACL_CATEGORIES.contains(cat) && s.aclCategories().contains("@" + cat);
            }
            default -> Glob.matchesIgnoringCase(arg, s.fullName().getBytes(StandardCharsets.UTF_8));
        };
        if (keep) {
            out.add(Reply.bulk(s.fullName()));
        }
    }

    /** Redis's {@code lookupCommandBySds}: "name" or "container|sub", any case; null when not supported. */
    static CommandTable.Spec lookup(byte[] nameArg) {
        String name = new String(nameArg, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
        String[] parts = name.split("\\|", -1);
        if (parts.length > 2) {
            return null;
        }
        CommandTable.Spec s = CommandTable.SPECS.get(parts[0]);
        if (s == null || parts.length == 1) {
            return s;
        }
        return s.subcommands().get(parts[1]);
    }
}
