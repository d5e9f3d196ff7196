package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZSCORE ZRANK ZREVRANK ZCARD ZCOUNT ZPOPMIN ZPOPMAX,
 * and ZRANGE (BYSCORE BYLEX REV LIMIT WITHSCORES) with its older forms ZREVRANGE
 * ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX, over {@link SortedSet}s, following
 * redis-server 7.0's {@code t_zset.c} in its order of checks. Process thread only.
 */
final class ZSetCommands {
    private final KvStore store;
    private final DataTypes types;
    private final SortedSet zsets;
    private final SkipList index;

    ZSetCommands(KvStore store, DataTypes types) {
        this.store = store;
        this.types = types;
        this.zsets = types.zsets;
        this.index = zsets.index();
    }

    Reply execute(Command c, long now) {
        return switch (c.name()) {
            case "ZADD" -> ZAdd.execute(this, c, 2, false, now);
            case "ZINCRBY" -> ZAdd.execute(this, c, 2, true, now);
            case "ZREM" -> zrem(c, now);
            case "ZSCORE" -> {
                long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
                long node = z == 0 ? 0 : zsets.node(z, c.arg(2));
                yield node == 0 ? Reply.NIL : score(index.score(node));
            }
            case "ZRANK", "ZREVRANK" -> {
                long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
                long node = z == 0 ? 0 : zsets.node(z, c.arg(2));
                if (node == 0) {
                    yield Reply.NIL;
                }
                long rank = zsets.rank(z, node);
                yield Reply.integer(c.name().equals("ZRANK") ? rank : zsets.count(z) - 1 - rank);
            }
            case "ZCARD" -> {
                long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
                yield Reply.integer(z == 0 ? 0 : zsets.count(z));
            }
            case "ZCOUNT" -> zcount(c, now);
            case "ZPOPMIN", "ZPOPMAX" -> zpop(c, now);
            case "ZRANGE" -> ZRange.execute(this, c, ZRange.Kind.AUTO, false, now);
            case "ZREVRANGE" -> ZRange.execute(this, c, ZRange.Kind.RANK, true, now);
            case "ZRANGEBYSCORE" -> ZRange.execute(this, c, ZRange.Kind.SCORE, false, now);
            case "ZREVRANGEBYSCORE" -> ZRange.execute(this, c, ZRange.Kind.SCORE, true, now);
            case "ZRANGEBYLEX" -> ZRange.execute(this, c, ZRange.Kind.LEX, false, now);
            case "ZREVRANGEBYLEX" -> ZRange.execute(this, c, ZRange.Kind.LEX, true, now);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    KvStore store() {
        return store;
    }

    DataTypes types() {
        return types;
    }

    static Reply score(double d) {
        return Reply.bulk(Floats.format(d));
    }

    private Reply zrem(Command c, long now) {
        long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        if (z == 0) {
            return Reply.integer(0);
        }
        long n = 0;
        for (int i = 2; i < c.size(); i++) {
            if (zsets.remove(z, c.arg(i))) {
                n++;
            }
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.ZSET, z, now);
        return Reply.integer(n);
    }

    private Reply zcount(Command c, long now) {
        RangeSpec range = RangeSpec.parse(c.arg(2), c.arg(3), false);
        long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        if (z == 0 || range.isEmpty()) {
            return Reply.integer(0);
        }
        long l = SortedSet.order(z);
        long first = index.firstAtLeast(l, range);
        if (first == 0 || range.aboveMax(index, first)) {
            return Reply.integer(0);
        }
        long last = index.lastAtMost(l, range);
        return Reply.integer(zsets.rank(z, last) - zsets.rank(z, first) + 1);
    }

    private Reply zpop(Command c, long now) {
        if (c.size() > 3) {
            throw KvError.SYNTAX;
        }
        long count = c.size() == 3 ? KvError.parsePositive(c.arg(2)) : 1;
        long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        List<Reply> out = new ArrayList<>();
        if (z == 0 || count == 0) {
            return new Reply.Array(out);
        }
        boolean max = c.name().equals("ZPOPMAX");
        long l = SortedSet.order(z);
        for (long i = 0; i < count && zsets.count(z) > 0; i++) {
            long node = max ? index.tail(l) : index.head(l);
            byte[] member = zsets.member(node);
            out.add(new Reply.Bulk(member));
            out.add(score(index.score(node)));
            zsets.remove(z, member);
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.ZSET, z, now);
        return new Reply.Array(out);
    }

    static boolean is(Command c, int i, String word) {
        return c.text(i).toUpperCase(Locale.ROOT).equals(word);
    }
}
