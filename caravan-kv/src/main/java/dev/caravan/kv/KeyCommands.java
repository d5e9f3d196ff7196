package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.Locale;

/**
 * DEL/UNLINK, EXISTS/TOUCH, EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT, TTL/PTTL/EXPIRETIME/PEXPIRETIME,
 * PERSIST, TYPE, KEYS, RENAME/RENAMENX over a {@link KvStore} (SCAN is {@link ScanCommand}). Process thread only.
 */
final class KeyCommands {
    private KeyCommands() {
    }

    static Reply del(KvStore store, Command c, long nowMs) {
        long n = 0;
        for (int i = 1; i < c.size(); i++) {
            if (store.delete(c.arg(i), nowMs)) {
                n++;
            }
        }
        return Reply.integer(n);
    }

    /** EXISTS and TOUCH: how many of the keys exist (a key named twice counts twice). */
    static Reply exists(KvStore store, Command c, long nowMs) {
        long n = 0;
        for (int i = 1; i < c.size(); i++) {
            if (store.lookup(c.arg(i), nowMs) != 0) {
                n++;
            }
        }
        return Reply.integer(n);
    }

    /**
     * EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT key time [NX|XX|GT|LT]; {@code unitMs} is 1000 or 1,
     * {@code baseMs} the time a relative command counts from (0 for the absolute ones).
     */
    static Reply expire(KvStore store, Command c, long unitMs, long baseMs, long nowMs) {
        long t = KvError.parseLong(c.arg(2));
        String cmd = c.name().toLowerCase(Locale.ROOT);
        if (t > Long.MAX_VALUE / unitMs || t < Long.MIN_VALUE / unitMs
                || t * unitMs > Long.MAX_VALUE - baseMs) {
            throw new KvError("ERR invalid expire time in '" + cmd + "' command");
        }
        long when = baseMs + t * unitMs;
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        for (int i = 3; i < c.size(); i++) {
            switch (c.text(i).toUpperCase(Locale.ROOT)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> throw new KvError("ERR Unsupported option " + c.text(i));
            }
        }
        if (nx && (xx || gt || lt)) {
            throw new KvError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if (gt && lt) {
            throw new KvError("ERR GT and LT options at the same time are not compatible");
        }
        long rec = store.lookup(c.arg(1), nowMs);
        if (rec == 0) {
            return Reply.integer(0);
        }
        long current = store.expiry(rec);
        boolean skip = (nx && current != 0) || (xx && current == 0)
                || (gt && (current == 0 || when <= current)) || (lt && current != 0 && when >= current);
        if (skip) {
            return Reply.integer(0);
        }
        if (when <= nowMs) {
            store.delete(c.arg(1), nowMs);
        } else {
            store.setExpiry(rec, when);
        }
        return Reply.integer(1);
    }

    /**
     * TTL / PTTL (time left) or, if {@code absolute}, EXPIRETIME / PEXPIRETIME (the expiry as
     * Unix time), in ms if {@code millis}, else in seconds rounded to nearest: -2 no key, -1 no expiry.
     */
    static Reply ttl(KvStore store, Command c, boolean millis, boolean absolute, long nowMs) {
        long rec = store.lookup(c.arg(1), nowMs);
        if (rec == 0) {
            return Reply.integer(-2);
        }
        long exp = store.expiry(rec);
        if (exp == 0) {
            return Reply.integer(-1);
        }
        long t = Math.max(0, absolute ? exp : exp - nowMs);
        return Reply.integer(millis ? t : (t + 500) / 1000);
    }

    static Reply persist(KvStore store, Command c, long nowMs) {
        long rec = store.lookup(c.arg(1), nowMs);
        if (rec == 0 || store.expiry(rec) == 0) {
            return Reply.integer(0);
        }
        store.setExpiry(rec, 0);
        return Reply.integer(1);
    }

    static Reply type(KvStore store, Command c, long nowMs) {
        long rec = store.lookup(c.arg(1), nowMs);
        return new Reply.Simple(rec == 0 ? "none" : DataTypes.name(store.type(rec)));
    }

    static Reply keys(KvStore store, Command c, long nowMs) {
        byte[] pattern = c.arg(1);
        boolean all = pattern.length == 1 && pattern[0] == '*';
        java.util.List<Reply> out = new java.util.ArrayList<>();
        store.forEach(nowMs, rec -> {
            byte[] k = store.key(rec);
            if (all || Glob.matches(pattern, k)) {
                out.add(new Reply.Bulk(k));
            }
        });
        return new Reply.Array(out);
    }

    /** RENAME / RENAMENX ({@code nx}): the value, its type and its expiry move; "ERR no such key" if there is none. */
    static Reply rename(KvStore store, Command c, boolean nx, long nowMs) {
        byte[] from = c.arg(1);
        byte[] to = c.arg(2);
        if (store.lookup(from, nowMs) == 0) {
            throw KvError.NO_SUCH_KEY;
        }
        if (java.util.Arrays.equals(from, to)) {
            return nx ? Reply.integer(0) : Reply.OK;
        }
        if (nx && store.lookup(to, nowMs) != 0) {
            return Reply.integer(0);
        }
        store.rename(from, to, nowMs);
        return nx ? Reply.integer(1) : Reply.OK;
    }
}
