package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * CLIENT and its subcommands as redis-server 7.0.15's {@code clientCommand} answers them, on the
 * process's {@link ClientSessions}. Beyond 7.0.15: {@code SETINFO} (and {@code lib-name},
 * {@code lib-ver} in CLIENT LIST) as redis-server 7.2 has them, because current clients send
 * it on connect, and CLIENT KILL's {@code MAXAGE} as 7.4 has it.
 *
 * <p>Not supported, refused with an error saying so: {@code TRACKING ON} (client-side caching
 * needs push messages) and {@code PAUSE}. {@code UNBLOCK} ends a command parked by the runtime
 * when it next runs. A session-less request (node CALL) may not change connection state.
 *
 * <p>Process thread only.
 */
final class ClientCommands {
    /** Subcommand → Redis arity (name included, negative = at least). */
    private static final Map<String, Integer> ARITY = Map.ofEntries(
            Map.entry("CACHING", 3), Map.entry("GETNAME", 2), Map.entry("GETREDIR", 2), Map.entry("HELP", 2),
            Map.entry("ID", 2), Map.entry("INFO", 2), Map.entry("KILL", -3), Map.entry("LIST", -2),
            Map.entry("NO-EVICT", 3), Map.entry("PAUSE", -3), Map.entry("REPLY", 3), Map.entry("SETINFO", 4),
            Map.entry("SETNAME", 3), Map.entry("TRACKING", -3), Map.entry("TRACKINGINFO", 2),
            Map.entry("UNBLOCK", -3), Map.entry("UNPAUSE", 2));

    private static final List<String> HELP = List.of(
            "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "CACHING (YES|NO)",
            "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
            "GETREDIR",
            "    Return the client ID we are redirecting to when tracking is enabled.",
            "GETNAME",
            "    Return the name of the current connection.",
            "ID",
            "    Return the ID of the current connection.",
            "INFO",
            "    Return information about the current client connection.",
            "KILL <ip:port>",
            "    Kill connection made from <ip:port>.",
            "KILL <option> <value> [<option> <value> [...]]",
            "    Kill connections. Options are:",
            "    * ADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made from the specified address",
            "    * LADDR (<ip:port>|<unixsocket>:0)",
            "      Kill connections made to specified local address",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Kill connections by type.",
            "    * USER <username>",
            "      Kill connections authenticated by <username>.",
            "    * SKIPME (YES|NO)",
            "      Skip killing current connection (default: yes).",
            "LIST [options ...]",
            "    Return information about client connections. Options:",
            "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
            "      Return clients of specified type.",
            "UNPAUSE",
            "    Stop the current client pause, resuming traffic.",
            "PAUSE <timeout> [WRITE|ALL]",
            "    Suspend all, or just write, clients for <timeout> milliseconds.",
            "REPLY (ON|OFF|SKIP)",
            "    Control the replies sent to the current connection.",
            "SETNAME <name>",
            "    Assign the name <name> to the current connection.",
            "UNBLOCK <clientid> [TIMEOUT|ERROR]",
            "    Unblock the specified blocked client.",
            "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
            "         [OPTIN] [OPTOUT] [NOLOOP]",
            "    Control server assisted client side caching.",
            "TRACKINGINFO",
            "    Report tracking status for the current connection.",
            "NO-EVICT (ON|OFF)",
            "    Protect current client connection from eviction.",
            "HELP",
            "    Prints this help.");

    /** Client types CLIENT LIST / KILL TYPE know; all of ours are {@code normal}. */
    private static final List<String> TYPES = List.of("normal", "slave", "replica", "pubsub", "master");

    private final ClientSessions sessions;
    private final Transactions transactions;
    private final LongConsumer disconnect;

    /** @param disconnect asks the endpoint holding a session's connection to close it */
    ClientCommands(ClientSessions sessions, Transactions transactions, LongConsumer disconnect) {
        this.sessions = sessions;
        this.transactions = transactions;
        this.disconnect = disconnect;
    }

    /**
     * The error Redis gives before running a CLIENT command whose subcommand is unknown or has
     * the wrong number of arguments (a command-table check: it aborts a transaction), or null.
     */
    static Reply check(Command c) {
        Integer arity = ARITY.get(c.text(1).toUpperCase(Locale.ROOT));
        if (arity == null) {
            return Reply.error("ERR unknown subcommand '" + truncate(c.text(1), 128) + "'. Try "
                    + c.text(0).toUpperCase(Locale.ROOT) + " HELP.");
        }
        if (arity >= 0 ? c.size() != arity : c.size() < -arity) {
            return Reply.error("ERR wrong number of arguments for 'client|" + c.text(1).toLowerCase(Locale.ROOT) + "' command");
        }
        return null;
    }

    /** A CLIENT command that passed {@link #check}. */
    Reply execute(ClientSession s, Command c, long nowMs) {
        String sub = c.text(1).toUpperCase(Locale.ROOT);
        if (s.standalone() && List.of("SETNAME", "SETINFO", "REPLY", "NO-EVICT", "ID", "INFO").contains(sub)) {
            return CommandDispatcher.needsConnection("CLIENT " + sub);
        }
        return switch (sub) {
            case "ID" -> Reply.integer(s.clientId);
            case "INFO" -> verbatim(infoLine(s, nowMs) + "\n");
            case "LIST" -> list(c, nowMs);
            case "REPLY" -> reply(s, c);
            case "NO-EVICT" -> onOff(c, v -> s.noEvict = v);
            case "KILL" -> kill(s, c, nowMs);
            case "UNBLOCK" -> unblock(c);
            case "SETNAME" -> {
                Reply err = setName(s, c.arg(2));
                yield err == null ? Reply.OK : err;
            }
            case "GETNAME" -> s.name == null ? Reply.NIL : Reply.bulk(s.name);
            case "SETINFO" -> setInfo(s, c);
            case "GETREDIR" -> Reply.integer(-1);
            case "TRACKINGINFO" -> new Reply.Map(List.of(
                    Reply.bulk("flags"), new Reply.Set(List.of(Reply.bulk("off"))),
                    Reply.bulk("redirect"), Reply.integer(-1),
                    Reply.bulk("prefixes"), new Reply.Array(List.of())));
            case "CACHING" -> Reply.error("ERR CLIENT CACHING can be called only when the client is in tracking mode "
                    + "with OPTIN or OPTOUT mode enabled");
            case "TRACKING" -> tracking(c);
            case "UNPAUSE" -> Reply.OK;
            case "PAUSE" -> Reply.error("ERR CLIENT PAUSE is not supported by Caravan kv; pause your writers instead");
            case "HELP" -> new Reply.Array(HELP.stream().map(line -> (Reply) new Reply.Simple(line)).toList());
            default -> throw new IllegalArgumentException(sub);
        };
    }

    /** Sets the client's name (empty removes it); the error Redis gives for a bad one, or null. */
    static Reply setName(ClientSession s, byte[] name) {
        if (name.length > 0 && !printable(name)) {
            return Reply.error("ERR Client names cannot contain spaces, newlines or special characters.");
        }
        if (name.length > ClientSessions.MAX_ATTRIBUTE_BYTES) {
            return tooLong("client names");
        }
        s.name = name.length == 0 ? null : new String(name, StandardCharsets.US_ASCII);
        return null;
    }

    /** CLIENT SETINFO LIB-NAME | LIB-VER value (redis-server 7.2). */
    private static Reply setInfo(ClientSession s, Command c) {
        String attr = c.text(2);
        boolean libName = attr.equalsIgnoreCase("lib-name");
        if (!libName && !attr.equalsIgnoreCase("lib-ver")) {
            return Reply.error("ERR Unrecognized option '" + attr + "'");
        }
        byte[] v = c.arg(3);
        if (!printable(v)) {
            return Reply.error("ERR " + attr + " cannot contain spaces, newlines or special characters.");
        }
        if (v.length > ClientSessions.MAX_ATTRIBUTE_BYTES) {
            return tooLong(attr);
        }
        String value = v.length == 0 ? null : new String(v, StandardCharsets.US_ASCII);
        if (libName) {
            s.libName = value;
        } else {
            s.libVer = value;
        }
        return Reply.OK;
    }

    /** CLIENT REPLY ON | OFF | SKIP: OFF and SKIP have no reply of their own. */
    private static Reply reply(ClientSession s, Command c) {
        switch (c.text(2).toUpperCase(Locale.ROOT)) {
            case "ON" -> {
                s.replyOff = false;
                s.skipThis = false;
                s.skipNext = false;
                return Reply.OK;
            }
            case "OFF" -> {
                s.replyOff = true;
                return Reply.SUPPRESSED;
            }
            case "SKIP" -> {
                if (!s.replyOff) {
                    s.skipNext = true;
                }
                return Reply.SUPPRESSED;
            }
            default -> {
                return KvError.SYNTAX.reply();
            }
        }
    }

    private static Reply onOff(Command c, java.util.function.Consumer<Boolean> set) {
        String v = c.text(2).toUpperCase(Locale.ROOT);
        if (!v.equals("ON") && !v.equals("OFF")) {
            return KvError.SYNTAX.reply();
        }
        set.accept(v.equals("ON"));
        return Reply.OK;
    }

    /** CLIENT TRACKING OFF is what every client is; ON is refused. */
    private static Reply tracking(Command c) {
        return switch (c.text(2).toUpperCase(Locale.ROOT)) {
            case "OFF" -> Reply.OK;
            case "ON" -> Reply.error("ERR CLIENT TRACKING is not supported by Caravan kv (no client-side caching); "
                    + "turn it off in your client");
            default -> KvError.SYNTAX.reply();
        };
    }

    /** CLIENT LIST [TYPE type | ID id...]. */
    private Reply list(Command c, long nowMs) {
        StringBuilder out = new StringBuilder();
        if (c.size() == 4 && c.text(2).equalsIgnoreCase("type")) {
            String type = c.text(3).toLowerCase(Locale.ROOT);
            if (!TYPES.contains(type)) {
                return Reply.error("ERR Unknown client type '" + c.text(3) + "'");
            }
            if (type.equals("normal")) {
                appendAll(out, nowMs);
            }
        } else if (c.size() > 3 && c.text(2).equalsIgnoreCase("id")) {
            for (int i = 3; i < c.size(); i++) {
                long id;
                try {
                    id = KvError.parseLong(c.arg(i));
                } catch (KvError e) {
                    return Reply.error("ERR Invalid client ID");
                }
                ClientSession s = sessions.byClientId(id);
                if (s != null && !s.closed) {
                    out.append(infoLine(s, nowMs)).append('\n');
                }
            }
        } else if (c.size() != 2) {
            return KvError.SYNTAX.reply();
        } else {
            appendAll(out, nowMs);
        }
        return verbatim(out.toString());
    }

    private void appendAll(StringBuilder out, long nowMs) {
        for (ClientSession s : sessions.all()) {
            if (!s.closed) {
                out.append(infoLine(s, nowMs)).append('\n');
            }
        }
    }

    /**
     * One CLIENT LIST line with redis-server 7.2's fields. Memory figures are estimates (the
     * process holds no per-client buffers); {@code fd} is -1: the connection's socket belongs
     * to the endpoint.
     */
    static String infoLine(ClientSession s, long nowMs) {
        StringBuilder flags = new StringBuilder();
        if (s.multi) {
            flags.append('x');
        }
        if (s.parked != null) {
            flags.append('b');
        }
        if (s.dirtyCas) {
            flags.append('d');
        }
        if (s.closed) {
            flags.append('c');
        }
        if (s.noEvict) {
            flags.append('e');
        }
        if (flags.isEmpty()) {
            flags.append('N');
        }
        long multiMem = s.queuedBytes + 48L * s.watches.size();
        return "id=" + s.clientId + " addr=" + s.addr + " laddr=" + s.laddr + " fd=-1"
                + " name=" + (s.name == null ? "" : s.name)
                + " age=" + Math.max(0, (nowMs - s.createdMs) / 1000) + " idle=" + Math.max(0, (nowMs - s.lastInteractionMs) / 1000)
                + " flags=" + flags + " db=0 sub=0 psub=0 ssub=0 multi=" + (s.multi ? s.queued.size() : -1)
                + " qbuf=0 qbuf-free=0 argv-mem=" + s.argvBytes + " multi-mem=" + multiMem
                + " rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=" + (1024 + s.argvBytes + multiMem)
                + " events=r cmd=" + (s.lastCommand.equals("NULL") ? "NULL" : s.lastCommand.toLowerCase(Locale.ROOT)) + " user=default redir=-1 resp=" + s.protocol
                + " lib-name=" + (s.libName == null ? "" : s.libName) + " lib-ver=" + (s.libVer == null ? "" : s.libVer);
    }

    /** CLIENT KILL addr | CLIENT KILL [ID id] [TYPE type] [ADDR addr] [LADDR addr] [USER user] [SKIPME yes|no] [MAXAGE s]. */
    private Reply kill(ClientSession me, Command c, long nowMs) {
        KillFilter f = new KillFilter();
        if (c.size() == 3) {
            f.addr = c.text(2);
            f.skipMe = false;
        } else {
            for (int i = 2; i < c.size(); i += 2) {
                Reply err = f.option(c, i);
                if (err != null) {
                    return err;
                }
            }
        }
        long killed = 0;
        boolean closeMe = false;
        for (ClientSession s : new ArrayList<>(sessions.all())) {
            if (s.closed || !f.matches(s, me, nowMs)) {
                continue;
            }
            if (s == me) {
                closeMe = true;
            } else {
                transactions.discard(s);
                s.closed = true;
                disconnect.accept(s.sessionId);
            }
            killed++;
        }
        Reply r = c.size() == 3 ? (killed == 0 ? Reply.error("ERR No such client") : Reply.OK) : Reply.integer(killed);
        return closeMe ? new Reply.Closing(r) : r;
    }

    /** The filters of CLIENT KILL's new form. */
    private static final class KillFilter {
        String addr;
        String laddr;
        long id;
        boolean typeNone;
        boolean skipMe = true;
        long maxAgeSec;

        /** Parses option {@code i} and its value; the error Redis gives, or null. */
        Reply option(Command c, int i) {
            boolean more = c.size() > i + 1;
            String opt = c.text(i).toLowerCase(Locale.ROOT);
            if (!more) {
                return KvError.SYNTAX.reply();
            }
            String v = c.text(i + 1);
            switch (opt) {
                case "id" -> {
                    try {
                        id = KvError.parseLong(c.arg(i + 1));
                    } catch (KvError e) {
                        id = 0;
                    }
                    if (id < 1) {
                        return Reply.error("ERR client-id should be greater than 0");
                    }
                }
                case "maxage" -> {
                    try {
                        maxAgeSec = KvError.parseLong(c.arg(i + 1));
                    } catch (KvError e) {
                        return Reply.error("ERR maxage is not an integer or out of range");
                    }
                    if (maxAgeSec <= 0) {
                        return Reply.error("ERR maxage should be greater than 0");
                    }
                }
                case "type" -> {
                    String type = v.toLowerCase(Locale.ROOT);
                    if (!TYPES.contains(type)) {
                        return Reply.error("ERR Unknown client type '" + v + "'");
                    }
                    typeNone = !type.equals("normal");
                }
                case "addr" -> addr = v;
                case "laddr" -> laddr = v;
                case "user" -> {
                    if (!v.equals(Password.DEFAULT_USER)) {
                        return Reply.error("ERR No such user '" + v + "'");
                    }
                }
                case "skipme" -> {
                    if (v.equalsIgnoreCase("yes")) {
                        skipMe = true;
                    } else if (v.equalsIgnoreCase("no")) {
                        skipMe = false;
                    } else {
                        return KvError.SYNTAX.reply();
                    }
                }
                default -> {
                    return KvError.SYNTAX.reply();
                }
            }
            return null;
        }

        boolean matches(ClientSession s, ClientSession me, long nowMs) {
            return (addr == null || addr.equals(s.addr)) && (laddr == null || laddr.equals(s.laddr)) && !typeNone
                    && (id == 0 || id == s.clientId) && !(s == me && skipMe)
                    && (maxAgeSec == 0 || (nowMs - s.createdMs) / 1000 >= maxAgeSec);
        }
    }

    /** CLIENT UNBLOCK id [TIMEOUT | ERROR]: ends a parked command when the runtime next runs it. */
    private Reply unblock(Command c) {
        if (c.size() > 4) {
            return Reply.error("ERR unknown subcommand or wrong number of arguments for '" + truncate(c.text(1), 128)
                    + "'. Try CLIENT HELP.");
        }
        int mode = ClientSession.UNBLOCK_TIMEOUT;
        if (c.size() == 4) {
            if (c.text(3).equalsIgnoreCase("error")) {
                mode = ClientSession.UNBLOCK_ERROR;
            } else if (!c.text(3).equalsIgnoreCase("timeout")) {
                return Reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
            }
        }
        long id;
        try {
            id = KvError.parseLong(c.arg(2));
        } catch (KvError e) {
            return e.reply();
        }
        ClientSession target = sessions.byClientId(id);
        if (target == null || target.closed || target.parked == null || target.unblock != ClientSession.UNBLOCK_NONE) {
            return Reply.integer(0);
        }
        target.unblock = mode;
        return Reply.integer(1);
    }

    private static Reply tooLong(String what) {
        return Reply.error("ERR " + what + " longer than " + ClientSessions.MAX_ATTRIBUTE_BYTES + " bytes are not supported");
    }

    private static Reply verbatim(String text) {
        return new Reply.Verbatim("txt", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Redis's {@code validateClientAttr}: printable ASCII, no spaces. */
    private static boolean printable(byte[] b) {
        for (byte x : b) {
            if (x < '!' || x > '~') {
                return false;
            }
        }
        return true;
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
