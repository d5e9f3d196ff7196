package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SINTER SUNION SDIFF over sets
 * kept as {@link PagedDict}s (members as keys, empty values). Members come back in insertion
 * order; Redis's hash-table order is unspecified (clients must not rely on it). Process
 * thread only.
 */
final class SetCommands {
    private static final byte[] EMPTY = new byte[0];

    private final KvStore store;
    private final DataTypes types;
    private final PagedDict dict;

    SetCommands(KvStore store, DataTypes types) {
        this.store = store;
        this.types = types;
        this.dict = types.dicts;
    }

    Reply execute(Command c, long now) {
        return switch (c.name()) {
            case "SADD" -> {
                long s = types.findOrCreate(store, c.arg(1), KvStore.SET, now);
                long before = dict.count(s);
                for (int i = 2; i < c.size(); i++) {
                    if (dict.find(s, c.arg(i)) == 0) {
                        dict.put(s, c.arg(i), EMPTY);
                    }
                }
                yield Reply.integer(dict.count(s) - before);
            }
            case "SREM" -> srem(c, now);
            case "SMEMBERS" -> {
                long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
                List<Reply> out = new ArrayList<>();
                for (long e = s == 0 ? 0 : dict.first(s); e != 0; e = dict.next(e)) {
                    out.add(new Reply.Bulk(dict.key(e)));
                }
                yield new Reply.Array(out);
            }
            case "SISMEMBER" -> {
                long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
                yield Reply.integer(s != 0 && dict.find(s, c.arg(2)) != 0 ? 1 : 0);
            }
            case "SMISMEMBER" -> {
                long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
                List<Reply> out = new ArrayList<>();
                for (int i = 2; i < c.size(); i++) {
                    out.add(Reply.integer(s != 0 && dict.find(s, c.arg(i)) != 0 ? 1 : 0));
                }
                yield new Reply.Array(out);
            }
            case "SCARD" -> {
                long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
                yield Reply.integer(s == 0 ? 0 : dict.count(s));
            }
            case "SPOP" -> spop(c, now);
            case "SRANDMEMBER" -> srandmember(c, now);
            case "SINTER", "SUNION", "SDIFF" -> algebra(c, now);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    private Reply srem(Command c, long now) {
        long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
        if (s == 0) {
            return Reply.integer(0);
        }
        long n = 0;
        for (int i = 2; i < c.size(); i++) {
            if (dict.remove(s, c.arg(i))) {
                n++;
            }
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.SET, s, now);
        return Reply.integer(n);
    }

    private Reply spop(Command c, long now) {
        if (c.size() > 3) {
            throw KvError.SYNTAX;
        }
        if (c.size() == 2) {
            long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
            if (s == 0) {
                return Reply.NIL;
            }
            byte[] m = dict.key(dict.random(s, types.random));
            dict.remove(s, m);
            types.deleteIfEmpty(store, c.arg(1), KvStore.SET, s, now);
            return new Reply.Bulk(m);
        }
        long count = KvError.parsePositive(c.arg(2));
        long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
        List<Reply> out = new ArrayList<>();
        if (s == 0) {
            return new Reply.Array(out);
        }
        while (out.size() < count && dict.count(s) > 0) {
            byte[] m = dict.key(dict.random(s, types.random));
            dict.remove(s, m);
            out.add(new Reply.Bulk(m));
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.SET, s, now);
        return new Reply.Array(out);
    }

    private Reply srandmember(Command c, long now) {
        if (c.size() > 3) {
            throw KvError.SYNTAX;
        }
        if (c.size() == 2) {
            long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
            return s == 0 ? Reply.NIL : new Reply.Bulk(dict.key(dict.random(s, types.random)));
        }
        long l = KvError.parseLong(c.arg(2));
        if (l == Long.MIN_VALUE) {
            throw new KvError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
        }
        long s = DataTypes.find(store, c.arg(1), KvStore.SET, now);
        List<Reply> out = new ArrayList<>();
        if (s == 0 || l == 0) {
            return new Reply.Array(out);
        }
        if (l < 0) {
            for (long i = 0; i < -l; i++) {
                out.add(new Reply.Bulk(dict.key(dict.random(s, types.random))));
            }
        } else if (l >= dict.count(s)) {
            for (long e = dict.first(s); e != 0; e = dict.next(e)) {
                out.add(new Reply.Bulk(dict.key(e)));
            }
        } else {
            Map<String, byte[]> picked = new LinkedHashMap<>();
            while (picked.size() < l) {
                byte[] m = dict.key(dict.random(s, types.random));
                picked.putIfAbsent(java.util.HexFormat.of().formatHex(m), m);
            }
            picked.values().forEach(m -> out.add(new Reply.Bulk(m)));
        }
        return new Reply.Array(out);
    }

    /** SINTER, SUNION, SDIFF: every key's type is checked before any result; a missing key is an empty set. */
    private Reply algebra(Command c, long now) {
        long[] sets = new long[c.size() - 1];
        boolean anyMissing = false;
        for (int i = 1; i < c.size(); i++) {
            sets[i - 1] = DataTypes.find(store, c.arg(i), KvStore.SET, now);
            anyMissing |= sets[i - 1] == 0;
        }
        List<Reply> out = new ArrayList<>();
        switch (c.name()) {
            case "SINTER" -> {
                if (anyMissing) {
                    return new Reply.Array(out);
                }
                for (long e = dict.first(sets[0]); e != 0; e = dict.next(e)) {
                    byte[] m = dict.key(e);
                    if (inAll(sets, m)) {
                        out.add(new Reply.Bulk(m));
                    }
                }
            }
            case "SDIFF" -> {
                for (long e = sets[0] == 0 ? 0 : dict.first(sets[0]); e != 0; e = dict.next(e)) {
                    byte[] m = dict.key(e);
                    if (!inAny(sets, 1, sets.length, m)) {
                        out.add(new Reply.Bulk(m));
                    }
                }
            }
            default -> {
                for (int i = 0; i < sets.length; i++) {
                    for (long e = sets[i] == 0 ? 0 : dict.first(sets[i]); e != 0; e = dict.next(e)) {
                        byte[] m = dict.key(e);
                        if (!inAny(sets, 0, i, m)) {
                            out.add(new Reply.Bulk(m));
                        }
                    }
                }
            }
        }
        return new Reply.Array(out);
    }

    private boolean inAll(long[] sets, byte[] m) {
        for (int i = 1; i < sets.length; i++) {
            if (dict.find(sets[i], m) == 0) {
                return false;
            }
        }
        return true;
    }

    private boolean inAny(long[] sets, int from, int to, byte[] m) {
        for (int i = from; i < to; i++) {
            if (sets[i] != 0 && dict.find(sets[i], m) != 0) {
                return true;
            }
        }
        return false;
    }
}
