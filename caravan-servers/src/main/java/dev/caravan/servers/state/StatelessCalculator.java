package dev.caravan.servers.state;

import dev.caravan.servers.line.LineHandler;
import dev.caravan.servers.line.LineProtocol;
import dev.caravan.wire.ErrorCode;

/**
 * A stateless server: every request carries all it needs ({@code ADD 2 3} → {@code 5}; also
 * {@code SUB}, {@code MUL}, {@code DIV}), so a restart loses nothing and any replica can answer
 * any request.
 *
 * <p>Threading: immutable, thread-safe.
 */
public final class StatelessCalculator implements LineHandler {
    /** The calculator on a {@link LineProtocol}. */
    public static LineProtocol protocol() {
        return new LineProtocol("calculator", new StatelessCalculator());
    }

    @Override
    public String onLine(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 3) {
            throw ErrorCode.MALFORMED.exception("expected '<ADD|SUB|MUL|DIV> <a> <b>', got '" + line + "'");
        }
        long a = StateArgs.number(f[1]);
        long b = StateArgs.number(f[2]);
        long r = switch (f[0]) {
            case "ADD" -> Math.addExact(a, b);
            case "SUB" -> Math.subtractExact(a, b);
            case "MUL" -> Math.multiplyExact(a, b);
            case "DIV" -> {
                if (b == 0) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("division by zero");
                }
                yield a / b;
            }
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("unknown operation '" + f[0] + "'");
        };
        return Long.toString(r);
    }
}
