package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * HRANDFIELD key [count [WITHVALUES]] and ZRANDMEMBER key [count [WITHSCORES]], as redis-server
 * 7.0's {@code hrandfieldCommand} / {@code zrandmemberCommand}: without a count, one random
 * element (nil when there is no key); a negative count gives that many draws, repeats allowed;
 * a count at least the size gives every element in the collection's order (a hash's insertion
 * order, a sorted set's from the highest score down); a smaller one gives that many distinct elements. Pairs
 * are flat for RESP2 and nested for RESP3. Counts over {@value #MAX_DRAWS} are refused before
 * anything is allocated (redis-server would stream them). Process thread only.
 */
final class RandomMembers {
    /** The largest number of elements one call returns. */
    static final long MAX_DRAWS = 1L << 24;
    private static final String COUNT_RANGE =
            "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

    private RandomMembers() {
    }

    /** HRANDFIELD. */
    static Reply hrandfield(KvStore store, DataTypes types, CurrentClient client, Command c, long now) {
        PagedDict dict = types.dicts;
        if (c.size() == 2) {
            long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
            return h == 0 ? Reply.NIL : new Reply.Bulk(dict.key(dict.random(h, types.random)));
        }
        long count = parseCount(c, "WITHVALUES");
        boolean withValues = c.size() == 4;
        long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
        if (h == 0 || count == 0) {
            return new Reply.Array(List.of());
        }
        List<Long> picked = pick(dict, h, count, types);
        List<Reply> out = new ArrayList<>();
        for (long e : picked) {
            pair(out, new Reply.Bulk(dict.key(e)), withValues ? new Reply.Bulk(dict.value(e)) : null, client);
        }
        return new Reply.Array(out);
    }

    /** ZRANDMEMBER. */
    static Reply zrandmember(ZSetCommands z, Command c, long now) {
        DataTypes types = z.types();
        PagedDict dict = types.dicts;
        SortedSet zsets = types.zsets;
        if (c.size() == 2) {
            long s = DataTypes.find(z.store(), c.arg(1), KvStore.ZSET, now);
            return s == 0 ? Reply.NIL : new Reply.Bulk(dict.key(dict.random(zsets.members(s), types.random)));
        }
        long count = parseCount(c, "WITHSCORES");
        boolean withScores = c.size() == 4;
        long s = DataTypes.find(z.store(), c.arg(1), KvStore.ZSET, now);
        if (s == 0 || count == 0) {
            return new Reply.Array(List.of());
        }
        List<Reply> out = new ArrayList<>();
        if (count >= zsets.count(s)) {
            // Redis walks a sorted set from its highest score down here (zuiNext).
            for (long n = zsets.index().tail(SortedSet.order(s)); n != 0; n = zsets.index().prev(n)) {
                z.emit(out, n, withScores);
            }
            return new Reply.Array(out);
        }
        for (long e : pick(dict, zsets.members(s), count, types)) {
            z.emit(out, dict.valueLong(e), withScores);
        }
        return new Reply.Array(out);
    }

    /** The count argument and the options after it, checked in Redis's order. */
    private static long parseCount(Command c, String option) {
        long count = KvError.parseLong(c.arg(2));
        if (count == Long.MIN_VALUE) {
            throw new KvError(COUNT_RANGE);
        }
        if (c.size() > 4 || (c.size() == 4 && !ZSetCommands.is(c, 3, option))) {
            throw KvError.SYNTAX;
        }
        if (c.size() == 4 && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
            throw new KvError("ERR value is out of range");
        }
        if (count < -MAX_DRAWS) {
            throw new KvError("ERR value is out of range, a count over " + MAX_DRAWS + " draws is refused");
        }
        return count;
    }

    /** Entries of dictionary {@code d} for {@code count} (not 0): see the class comment. */
    private static List<Long> pick(PagedDict dict, long d, long count, DataTypes types) {
        List<Long> out = new ArrayList<>();
        long size = dict.count(d);
        if (count < 0) {
            for (long i = 0; i < -count; i++) {
                out.add(dict.random(d, types.random));
            }
        } else if (count >= size) {
            for (long e = dict.first(d); e != 0; e = dict.next(e)) {
                out.add(e);
            }
        } else {
            Set<Long> seen = new HashSet<>();
            while (out.size() < count) {
                long e = dict.random(d, types.random);
                if (seen.add(e)) {
                    out.add(e);
                }
            }
        }
        return out;
    }

    private static void pair(List<Reply> out, Reply key, Reply value, CurrentClient client) {
        if (value == null) {
            out.add(key);
        } else if (client.resp3()) {
            out.add(new Reply.Array(List.of(key, value)));
        } else {
            out.add(key);
            out.add(value);
        }
    }
}
