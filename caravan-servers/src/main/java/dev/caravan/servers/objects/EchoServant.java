package dev.caravan.servers.objects;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/** An example stateless servant: {@code echo} and {@code upper}. Thread-safe. */
public final class EchoServant implements Servant {
    @Override
    public String invoke(String operation, String argument) {
        return switch (operation) {
            case "echo" -> argument;
            case "upper" -> argument.toUpperCase(Locale.ROOT);
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("echo has echo and upper, not '" + operation + "'");
        };
    }
}
