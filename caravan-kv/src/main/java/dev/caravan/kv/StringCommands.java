package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** GET, SET, MGET, MSET, INCR/DECR/INCRBY/DECRBY over a {@link KvStore}. Process thread only. */
final class StringCommands {
    private StringCommands() {
    }

    static Reply get(KvStore store, Command c, long nowMs) {
        long rec = store.lookup(c.arg(1), nowMs);
        return rec == 0 ? Reply.NIL : new Reply.Bulk(store.value(rec));
    }

    /** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. */
    static Reply set(KvStore store, Command c, long nowMs) {
        if (c.size() == 3) {
            store.put(c.arg(1), c.arg(2), 0);
            return Reply.OK;
        }
        boolean nx = false;
        boolean xx = false;
        boolean get = false;
        boolean keepTtl = false;
        long expiryMs = 0;
        boolean hasExpiry = false;
        for (int i = 3; i < c.size(); i++) {
            String opt = c.text(i).toUpperCase(java.util.Locale.ROOT);
            switch (opt) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GET" -> get = true;
                case "KEEPTTL" -> keepTtl = true;
                case "EX", "PX", "EXAT", "PXAT" -> {
                    if (hasExpiry || i + 1 >= c.size()) {
                        throw KvError.SYNTAX;
                    }
                    long v = KvError.parseLong(c.arg(++i));
                    if (v <= 0 || (opt.startsWith("E") && v > Long.MAX_VALUE / 1000)) {
                        throw new KvError("ERR invalid expire time in 'set' command");
                    }
                    long ms = opt.startsWith("E") ? v * 1000 : v;
                    expiryMs = opt.endsWith("AT") ? ms : (ms > Long.MAX_VALUE - nowMs ? -1 : nowMs + ms);
                    if (expiryMs < 0) {
                        throw new KvError("ERR invalid expire time in 'set' command");
                    }
                    hasExpiry = true;
                }
                default -> throw KvError.SYNTAX;
            }
        }
        if ((nx && xx) || (keepTtl && hasExpiry)) {
            throw KvError.SYNTAX;
        }
        long rec = store.lookup(c.arg(1), nowMs);
        Reply old = get ? (rec == 0 ? Reply.NIL : new Reply.Bulk(store.value(rec))) : null;
        if ((nx && rec != 0) || (xx && rec == 0)) {
            return get ? old : Reply.NIL;
        }
        if (keepTtl && rec != 0) {
            expiryMs = store.expiry(rec);
        }
        if (hasExpiry && expiryMs <= nowMs) {
            store.delete(c.arg(1), nowMs);
        } else {
            store.put(c.arg(1), c.arg(2), expiryMs);
        }
        return get ? old : Reply.OK;
    }

    static Reply mget(KvStore store, Command c, long nowMs) {
        List<Reply> out = new ArrayList<>(c.size() - 1);
        for (int i = 1; i < c.size(); i++) {
            long rec = store.lookup(c.arg(i), nowMs);
            out.add(rec == 0 ? Reply.NIL : new Reply.Bulk(store.value(rec)));
        }
        return new Reply.Array(out);
    }

    static Reply mset(KvStore store, Command c) {
        if (c.size() % 2 == 0) {
            return Reply.wrongArity(c.name());
        }
        for (int i = 1; i < c.size(); i += 2) {
            store.put(c.arg(i), c.arg(i + 1), 0);
        }
        return Reply.OK;
    }

    /** INCR/DECR/INCRBY/DECRBY by {@code delta}; keeps the key's expiry, as Redis does. */
    static Reply incrBy(KvStore store, byte[] key, long delta, long nowMs) {
        long rec = store.lookup(key, nowMs);
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
}
