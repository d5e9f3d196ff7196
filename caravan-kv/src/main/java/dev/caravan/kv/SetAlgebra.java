package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * SINTER SUNION SDIFF, their STORE forms and SINTERCARD, as redis-server 7.0's
 * {@code sinterGenericCommand} and {@code sunionDiffGenericCommand}: every key's type is checked,
 * in argument order, before anything is computed; a missing key is an empty set; a result is a
 * RESP3 set (its order is unspecified, as Redis's); a STORE form computes the whole result
 * before it replaces the destination (which may be one of the sources, and of any type), and
 * deletes the destination when the result is empty. Process thread only.
 */
final class SetAlgebra {
    private final KvStore store;
    private final DataTypes types;
    private final PagedDict dict;

    SetAlgebra(KvStore store, DataTypes types) {
        this.store = store;
        this.types = types;
        this.dict = types.dicts;
    }

    /** SINTER / SUNION / SDIFF key…: the members as a set reply. */
    Reply query(Command c, long now) {
        List<Reply> out = new ArrayList<>();
        compute(c.name(), c, 1, c.size(), now).forEach(m -> out.add(new Reply.Bulk(m)));
        return new Reply.Set(out);
    }

    /** SINTERSTORE / SUNIONSTORE / SDIFFSTORE destination key…: the size of the stored result. */
    Reply store(Command c, long now) {
        String op = c.name().substring(0, c.name().length() - "STORE".length());
        List<byte[]> result = compute(op, c, 2, c.size(), now);
        byte[] dst = c.arg(1);
        store.delete(dst, now);
        if (!result.isEmpty()) {
            long s = types.findOrCreate(store, dst, KvStore.SET, now);
            for (byte[] m : result) {
                dict.put(s, m, SetCommands.EMPTY);
            }
        }
        return Reply.integer(result.size());
    }

    /** SINTERCARD numkeys key… [LIMIT limit]. */
    Reply intercard(Command c, long now) {
        long numKeys = KvError.parseRange(c.arg(1), 1, Long.MAX_VALUE, "ERR numkeys should be greater than 0");
        if (numKeys > c.size() - 2) {
            throw new KvError("ERR Number of keys can't be greater than number of args");
        }
        long limit = 0;
        for (int j = 2 + (int) numKeys; j < c.size(); j++) {
            if (ZSetCommands.is(c, j, "LIMIT") && j + 1 < c.size()) {
                limit = KvError.parseRange(c.arg(++j), 0, Long.MAX_VALUE, "ERR LIMIT can't be negative");
            } else {
                throw KvError.SYNTAX;
            }
        }
        long[] sets = sets(c, 2, 2 + (int) numKeys, now);
        long n = 0;
        for (long s : sets) {
            if (s == 0) {
                return Reply.integer(0);
            }
        }
        long smallest = smallest(sets);
        for (long e = dict.first(smallest); e != 0; e = dict.next(e)) {
            if (inAll(sets, smallest, dict.key(e)) && ++n == limit) {
                break;
            }
        }
        return Reply.integer(n);
    }

    /** The members of {@code op} ("SINTER", "SUNION", "SDIFF") over the sets named by args {@code from..to-1}. */
    private List<byte[]> compute(String op, Command c, int from, int to, long now) {
        long[] sets = sets(c, from, to, now);
        List<byte[]> out = new ArrayList<>();
        switch (op) {
            case "SINTER" -> {
                for (long s : sets) {
                    if (s == 0) {
                        return out;
                    }
                }
                long smallest = smallest(sets);
                for (long e = dict.first(smallest); e != 0; e = dict.next(e)) {
                    byte[] m = dict.key(e);
                    if (inAll(sets, smallest, m)) {
                        out.add(m);
                    }
                }
            }
            case "SDIFF" -> {
                for (long e = sets[0] == 0 ? 0 : dict.first(sets[0]); e != 0; e = dict.next(e)) {
                    byte[] m = dict.key(e);
                    if (!inAny(sets, 1, sets.length, m)) {
                        out.add(m);
                    }
                }
            }
            case "SUNION" -> {
                for (int i = 0; i < sets.length; i++) {
                    for (long e = sets[i] == 0 ? 0 : dict.first(sets[i]); e != 0; e = dict.next(e)) {
                        byte[] m = dict.key(e);
                        if (!inAny(sets, 0, i, m)) {
                            out.add(m);
                        }
                    }
                }
            }
            default -> throw new IllegalArgumentException(op);
        }
        return out;
    }

    /** The set objects of args {@code from..to-1} (0 for a missing key); WRONGTYPE at the first other type. */
    private long[] sets(Command c, int from, int to, long now) {
        long[] sets = new long[to - from];
        for (int i = from; i < to; i++) {
            sets[i - from] = DataTypes.find(store, c.arg(i), KvStore.SET, now);
        }
        return sets;
    }

    private long smallest(long[] sets) {
        long best = sets[0];
        for (long s : sets) {
            if (dict.count(s) < dict.count(best)) {
                best = s;
            }
        }
        return best;
    }

    private boolean inAll(long[] sets, long skip, byte[] m) {
        for (long s : sets) {
            if (s != skip && dict.find(s, m) == 0) {
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
