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
