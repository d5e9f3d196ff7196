package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** INFO, COMMAND, CONFIG: the commands tools send. Process thread only. */
final class ServerCommands {
    private static final String[][] CONFIG = {
        {"save", ""}, {"appendonly", "no"}, {"databases", "1"}, {"maxmemory-policy", "noeviction"},
    };

    private ServerCommands() {
    }

    static Reply info(KvStore store, PagedHeap heap, String processName) {
        StringBuilder b = new StringBuilder()
                .append("# Server\r\nredis_version:7.0.0-caravan\r\nredis_mode:standalone\r\n")
                .append("caravan_process:").append(processName).append("\r\n\r\n")
                .append("# Memory\r\nused_memory:").append(heap.usedBytes()).append("\r\n")
                .append("maxmemory:").append(heap.memory().capacityBytes()).append("\r\n\r\n")
                .append("# Keyspace\r\n");
        if (store.keys() > 0) {
            b.append("db0:keys=").append(store.keys()).append(",expires=").append(store.expires())
                    .append(",avg_ttl=0\r\n");
        }
        return Reply.bulk(b.toString());
    }

    static Reply command(Command c) {
        if (c.size() == 1) {
            List<Reply> all = new ArrayList<>();
            CommandTable.SPECS.values().forEach(s -> all.add(CommandTable.info(s)));
            return new Reply.Array(all);
        }
        return switch (c.text(1).toUpperCase(Locale.ROOT)) {
            case "COUNT" -> Reply.integer(CommandTable.SPECS.size());
            case "DOCS" -> new Reply.Array(List.of());
            case "INFO" -> {
                List<Reply> out = new ArrayList<>();
                for (int i = 2; i < c.size(); i++) {
                    CommandTable.Spec s = CommandTable.SPECS.get(c.text(i).toUpperCase(Locale.ROOT));
                    out.add(s == null ? Reply.NIL_ARRAY : CommandTable.info(s));
                }
                yield new Reply.Array(out);
            }
            default -> unknownSubcommand(c);
        };
    }

    static Reply config(Command c) {
        String sub = c.text(1).toUpperCase(Locale.ROOT);
        if (sub.equals("GET")) {
            if (c.size() < 3) {
                return Reply.wrongArity("config|get");
            }
            List<Reply> out = new ArrayList<>();
            for (String[] kv : CONFIG) {
                for (int i = 2; i < c.size(); i++) {
                    if (Glob.matches(c.text(i).toLowerCase(Locale.ROOT), kv[0])) {
                        out.add(Reply.bulk(kv[0]));
                        out.add(Reply.bulk(kv[1]));
                        break;
                    }
                }
            }
            return new Reply.Array(out);
        }
        if (sub.equals("RESETSTAT")) {
            return Reply.OK;
        }
        return unknownSubcommand(c);
    }

    private static Reply unknownSubcommand(Command c) {
        return Reply.error("ERR unknown subcommand '" + truncate(c.text(1), 128) + "'. Try "
                + c.name() + " HELP.");
    }

    /** Redis 7: "ERR unknown command 'foo', with args beginning with: 'a' 'b' ". */
    static Reply unknownCommand(Command c) {
        StringBuilder args = new StringBuilder();
        for (int i = 1; i < c.size() && args.length() < 128; i++) {
            args.append('\'').append(truncate(c.text(i), 128 - args.length())).append("' ");
        }
        return Reply.error("ERR unknown command '" + truncate(c.text(0), 128) + "', with args beginning with: " + args);
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
