package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/** INCR DECR INCRBY DECRBY INCRBYFLOAT over string values. Process thread only. */
final class CounterCommands {
    private CounterCommands() {
    }

    static Reply execute(KvStore store, Command c, long nowMs) {
        return switch (c.name()) {
            case "INCR" -> incrBy(store, c.arg(1), 1, nowMs);
            case "DECR" -> incrBy(store, c.arg(1), -1, nowMs);
            case "INCRBY" -> incrBy(store, c.arg(1), KvError.parseLong(c.arg(2)), nowMs);
            case "DECRBY" -> {
                long d = KvError.parseLong(c.arg(2));
                if (d == Long.MIN_VALUE) {
                    throw new KvError("ERR decrement would overflow");
                }
                yield incrBy(store, c.arg(1), -d, nowMs);
            }
            case "INCRBYFLOAT" -> incrByFloat(store, c, nowMs);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    /** Adds {@code delta}; keeps the key's expiry, as Redis does. */
    static Reply incrBy(KvStore store, byte[] key, long delta, long nowMs) {
        long rec = StringCommands.find(store, key, nowMs);
        long current = rec == 0 ? 0 : KvError.parseLong(store.value(rec));
        long next;
        try {
            next = Math.addExact(current, delta);
        } catch (ArithmeticException e) {
            throw KvError.OVERFLOW;
        }
        store.put(key, Long.toString(next).getBytes(StandardCharsets.US_ASCII), rec == 0 ? 0 : store.expiry(rec));
        return Reply.integer(next);
    }

    /** INCRBYFLOAT: the stored value, then the increment, must read as long doubles; the sum must be finite. */
    private static Reply incrByFloat(KvStore store, Command c, long nowMs) {
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        boolean[] infinite = new boolean[1];
        BigDecimal current = rec == 0 ? BigDecimal.ZERO : Floats.parseLongDouble(store.value(rec), infinite);
        BigDecimal incr = current == null ? null : Floats.parseLongDouble(c.arg(2), infinite);
        if (infinite[0]) {
            throw new KvError("ERR increment would produce NaN or Infinity");
        }
        if (current == null || incr == null) {
            throw Floats.NOT_FLOAT;
        }
        byte[] result = Floats.addLongDouble(current, incr).getBytes(StandardCharsets.US_ASCII);
        store.put(c.arg(1), result, rec == 0 ? 0 : store.expiry(rec));
        return new Reply.Bulk(result);
    }
}
