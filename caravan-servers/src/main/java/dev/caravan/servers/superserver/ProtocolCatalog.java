package dev.caravan.servers.superserver;

import dev.caravan.servers.binary.BinaryProtocol;
import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.protocol.Protocol;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;

/** The protocols a superserver config may name. Each call builds a fresh protocol instance. */
public final class ProtocolCatalog {
    public static final List<String> NAMES = List.of("binary", "http", "resp-echo");

    private ProtocolCatalog() {
    }

    static void check(String name) {
        if (!NAMES.contains(name)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("unknown protocol '" + name + "'; one of " + NAMES);
        }
    }

    /** {@code binary}: CRC-32 frames; {@code http}: plaintext; {@code resp-echo}: PING and ECHO over RESP. */
    public static Protocol<?, ?> create(String name) {
        check(name);
        return switch (name) {
            case "binary" -> BinaryProtocol.crc32();
            case "http" -> HttpProtocol.plaintext(RequestDelay.NONE);
            default -> new RespProtocol((session, batch) -> batch.stream().map(ProtocolCatalog::echo).toArray(Reply[]::new));
        };
    }

    private static Reply echo(Command c) {
        return switch (c.name()) {
            case "PING" -> new Reply.Simple("PONG");
            case "ECHO" -> c.size() == 2 ? new Reply.Bulk(c.arg(1)) : Reply.wrongArity("echo");
            case "PID" -> Reply.integer(ProcessHandle.current().pid());
            case "QUIT" -> new Reply.Closing(Reply.OK);
            default -> Reply.error("ERR unknown command '" + c.text(0) + "'");
        };
    }
}
