package dev.caravan.kv;

import dev.caravan.wire.command.Command;

import java.util.Locale;

/**
 * The options of SET (NX XX GET KEEPTTL EX PX EXAT PXAT) and GETEX (EX PX EXAT PXAT PERSIST),
 * read as Redis 7.0's {@code parseExtendedStringArgumentsOrReply} reads them: a repeated
 * option is allowed, a conflicting one is a syntax error, and the expire time's number is
 * checked only after all options ({@link #expiryMs}).
 */
final class SetOptions {
    boolean nx;
    boolean xx;
    boolean get;
    boolean keepTtl;
    boolean persist;
    /** "EX", "PX", "EXAT" or "PXAT", or null. */
    String unit;
    byte[] expire;

    private SetOptions() {
    }

    /** Options from {@code c.arg(first)} on; {@code set} is true for SET, false for GETEX. */
    static SetOptions parse(Command c, int first, boolean set) {
        SetOptions o = new SetOptions();
        for (int j = first; j < c.size(); j++) {
            String opt = c.text(j).toUpperCase(Locale.ROOT);
            boolean hasNext = j + 1 < c.size();
            if (set && opt.equals("NX") && !o.xx) {
                o.nx = true;
            } else if (set && opt.equals("XX") && !o.nx) {
                o.xx = true;
            } else if (set && opt.equals("GET")) {
                o.get = true;
            } else if (set && opt.equals("KEEPTTL") && o.unit == null) {
                o.keepTtl = true;
            } else if (!set && opt.equals("PERSIST") && o.unit == null) {
                o.persist = true;
            } else if ((opt.equals("EX") || opt.equals("PX") || opt.equals("EXAT") || opt.equals("PXAT"))
                    && hasNext && !o.keepTtl && !o.persist && (o.unit == null || o.unit.equals(opt))) {
                o.unit = opt;
                o.expire = c.arg(++j);
            } else {
                throw KvError.SYNTAX;
            }
        }
        return o;
    }

    /** The absolute expiry, Redis's {@code getExpireMillisecondsOrReply}; errors name {@code command}. */
    long expiryMs(String command, long nowMs) {
        long ms = KvError.parseLong(expire);
        boolean seconds = unit.startsWith("E");
        KvError invalid = new KvError("ERR invalid expire time in '" + command.toLowerCase(Locale.ROOT) + "' command");
        if (ms <= 0 || (seconds && ms > Long.MAX_VALUE / 1000)) {
            throw invalid;
        }
        if (seconds) {
            ms *= 1000;
        }
        if (!unit.endsWith("AT")) {
            ms += nowMs;
        }
        if (ms <= 0) {
            throw invalid;
        }
        return ms;
    }

    boolean absolute() {
        return unit != null && unit.endsWith("AT");
    }
}
