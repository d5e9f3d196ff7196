package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.Locale;

/** PING, CLIENT, SELECT: the commands tools send on connecting. Process thread only. */
final class ServerCommands {
    private ServerCommands() {
    }

    static Reply ping(Command c) {
        return switch (c.size()) {
            case 1 -> new Reply.Simple("PONG");
            case 2 -> new Reply.Bulk(c.arg(1));
            default -> Reply.wrongArity(c.name());
        };
    }

    static Reply client(Command c) {
        return switch (c.text(1).toUpperCase(Locale.ROOT)) {
            case "SETNAME", "SETINFO", "REPLY", "NO-EVICT", "NO-TOUCH" -> Reply.OK;
            case "GETNAME" -> Reply.NIL;
            case "ID" -> Reply.integer(1);
            case "LIST", "INFO" -> Reply.bulk("");
            default -> unknownSubcommand(c);
        };
    }

    static Reply select(Command c) {
        long db = KvError.parseLong(c.arg(1));
        return db == 0 ? Reply.OK : Reply.error("ERR DB index is out of range");
    }

    private static Reply unknownSubcommand(Command c) {
        return CommandTable.unknownSubcommand(c);
    }
}
