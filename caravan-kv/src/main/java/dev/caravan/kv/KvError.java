package dev.caravan.kv;

import dev.caravan.wire.command.Reply;

/**
 * A Redis error reply raised from deep inside a command; {@link KvProcess} turns it into the
 * reply. Carries no stack trace: it is control flow, not a failure of the process.
 */
final class KvError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    static final KvError NOT_INTEGER = new KvError("ERR value is not an integer or out of range");
    static final KvError SYNTAX = new KvError("ERR syntax error");
    static final KvError OVERFLOW = new KvError("ERR increment or decrement would overflow");
    static final KvError WRONGTYPE = new KvError("WRONGTYPE Operation against a key holding the wrong kind of value");
    static final KvError NO_SUCH_KEY = new KvError("ERR no such key");
    static final KvError NOT_POSITIVE = new KvError("ERR value is out of range, must be positive");

    KvError(String message) {
        super(message, null, false, false);
    }

    /** Redis's {@code getPositiveLongFromObjectOrReply}: a long ≥ 0, else "must be positive". */
    static long parsePositive(byte[] b) {
        long v;
        try {
            v = parseLong(b);
        } catch (KvError e) {
            throw NOT_POSITIVE;
        }
        if (v < 0) {
            throw NOT_POSITIVE;
        }
        return v;
    }

    /**
     * Redis's {@code getRangeLongFromObjectOrReply} with a message: a long in
     * {@code [min, max]}, else {@code error} (also for text that is no integer).
     */
    static long parseRange(byte[] b, long min, long max, String error) {
        long v;
        try {
            v = parseLong(b);
        } catch (KvError e) {
            throw new KvError(error);
        }
        if (v < min || v > max) {
            throw new KvError(error);
        }
        return v;
    }

    /**
     * An argument as C's {@code "%.Ns"} prints it into an error message: up to its first NUL
     * byte and at most {@code maxBytes} bytes, as text. Exact for UTF-8 arguments cut at a
     * character boundary; other bytes come back as U+FFFD (a {@link Reply.Error} is text).
     */
    static String echo(byte[] arg, int maxBytes) {
        int n = Math.min(arg.length, Math.max(0, maxBytes));
        for (int i = 0; i < n; i++) {
            if (arg[i] == 0) {
                n = i;
                break;
            }
        }
        return new String(arg, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** An argument in full as {@code "%s"} prints it (up to its first NUL byte). */
    static String echo(byte[] arg) {
        return echo(arg, Integer.MAX_VALUE);
    }

    Reply reply() {
        return Reply.error(getMessage());
    }

    /** Redis's {@code string2ll}: strict decimal, no blanks or '+', no leading zeros. */
    static long parseLong(byte[] b) {
        int n = b.length;
        if (n == 0 || n > 20) {
            throw NOT_INTEGER;
        }
        boolean negative = b[0] == '-';
        int i = negative ? 1 : 0;
        if (i == n || (b[i] == '0' && (n - i > 1 || negative))) {
            throw NOT_INTEGER;
        }
        long v = 0;
        for (; i < n; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9 || v < (Long.MIN_VALUE + d) / 10) {
                throw NOT_INTEGER;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                throw NOT_INTEGER;
            }
            v = -v;
        }
        return v;
    }
}
