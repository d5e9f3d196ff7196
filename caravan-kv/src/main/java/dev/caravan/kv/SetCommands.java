package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SADD SREM SMEMBERS SISMEMBER SMISMEMBER SCARD SPOP SRANDMEMBER SMOVE SSCAN over sets kept as
 * {@link PagedDict}s (members as keys, empty values); the algebra is {@link SetAlgebra}.
 * Members come back in insertion order; Redis's hash-table order is unspecified (clients must
 * not rely on it). Whole sets (SMEMBERS, SPOP with a count) are RESP3 sets; SRANDMEMBER with
 * a count, which may repeat members, is an array, as redis-server 7.0 answers. Process thread
 * only.
 */
final class SetCommands {
    static final byte[] EMPTY = new byte[0];

    private final KvStore store;
    private final DataTypes types;
    private final PagedDict dict;
    private final SetAlgebra algebra;

    SetCommands(KvStore store, DataTypes types) {
        this.store = store;
        this.types = types;
        this.dict = types.dicts;
        this.algebra = new SetAlgebra(store, types);
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
                yield new Reply.Set(out);
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
            case "SINTER", "SUNION", "SDIFF" -> algebra.query(c, now);
            case "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE" -> algebra.store(c, now);
            case "SINTERCARD" -> algebra.intercard(c, now);
            case "SMOVE" -> smove(c, now);
            case "SSCAN" -> CollectionScan.execute(store, types, c, KvStore.SET, now);
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

    /** SMOVE source destination member: both types are checked, the source's first, before anything moves. */
    private Reply smove(Command c, long now) {
        long src = DataTypes.find(store, c.arg(1), KvStore.SET, now);
        if (src == 0) {
            return Reply.integer(0);
        }
        DataTypes.find(store, c.arg(2), KvStore.SET, now);
        if (java.util.Arrays.equals(c.arg(1), c.arg(2))) {
            return Reply.integer(dict.find(src, c.arg(3)) != 0 ? 1 : 0);
        }
        if (!dict.remove(src, c.arg(3))) {
            return Reply.integer(0);
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.SET, src, now);
        long dst = types.findOrCreate(store, c.arg(2), KvStore.SET, now);
        if (dict.find(dst, c.arg(3)) == 0) {
            dict.put(dst, c.arg(3), EMPTY);
        }
        return Reply.integer(1);
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
            return new Reply.Set(out);
        }
        while (out.size() < count && dict.count(s) > 0) {
            byte[] m = dict.key(dict.random(s, types.random));
            dict.remove(s, m);
            out.add(new Reply.Bulk(m));
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.SET, s, now);
        return new Reply.Set(out);
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
}
