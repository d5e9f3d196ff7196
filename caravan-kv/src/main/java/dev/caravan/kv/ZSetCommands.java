package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ZADD (NX XX GT LT CH INCR) ZINCRBY ZREM ZSCORE ZMSCORE ZRANK ZREVRANK ZCARD ZCOUNT ZLEXCOUNT
 * ZPOPMIN ZPOPMAX ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX ZRANDMEMBER ZSCAN, and ZRANGE
 * (BYSCORE BYLEX REV LIMIT WITHSCORES) with ZRANGESTORE and the older forms ZREVRANGE
 * ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGEBYLEX ZREVRANGEBYLEX, over {@link SortedSet}s, following
 * redis-server 7.0's {@code t_zset.c} in its order of checks.
 *
 * <p>Scores are RESP3 doubles ({@link #score}); member/score pairs are flat for a RESP2 client
 * and nested two-element arrays for a RESP3 one (ZRANGE … WITHSCORES, ZPOPMIN/ZPOPMAX with a
 * count, ZRANDMEMBER … WITHSCORES), as the {@link CurrentClient} says. Process thread only.
 */
final class ZSetCommands {
    private final KvStore store;
    private final DataTypes types;
    private final SortedSet zsets;
    private final SkipList index;
    private final CurrentClient client;

    ZSetCommands(KvStore store, DataTypes types, CurrentClient client) {
        this.store = store;
        this.types = types;
        this.zsets = types.zsets;
        this.index = zsets.index();
        this.client = client;
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
            case "ZMSCORE" -> {
                long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
                List<Reply> out = new ArrayList<>(c.size() - 2);
                for (int i = 2; i < c.size(); i++) {
                    long node = z == 0 ? 0 : zsets.node(z, c.arg(i));
                    out.add(node == 0 ? Reply.NIL : score(index.score(node)));
                }
                yield new Reply.Array(out);
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
            case "ZCOUNT" -> count(c, false, now);
            case "ZLEXCOUNT" -> count(c, true, now);
            case "ZPOPMIN", "ZPOPMAX" -> zpop(c, now);
            case "ZRANGE" -> ZRange.execute(this, c, 1, ZRange.Kind.AUTO, false, now);
            case "ZRANGESTORE" -> ZRange.execute(this, c, 2, ZRange.Kind.AUTO, false, now);
            case "ZREVRANGE" -> ZRange.execute(this, c, 1, ZRange.Kind.RANK, true, now);
            case "ZRANGEBYSCORE" -> ZRange.execute(this, c, 1, ZRange.Kind.SCORE, false, now);
            case "ZREVRANGEBYSCORE" -> ZRange.execute(this, c, 1, ZRange.Kind.SCORE, true, now);
            case "ZRANGEBYLEX" -> ZRange.execute(this, c, 1, ZRange.Kind.LEX, false, now);
            case "ZREVRANGEBYLEX" -> ZRange.execute(this, c, 1, ZRange.Kind.LEX, true, now);
            case "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZREMRANGEBYLEX" -> removeRange(c, now);
            case "ZRANDMEMBER" -> RandomMembers.zrandmember(this, c, now);
            case "ZSCAN" -> CollectionScan.execute(store, types, c, KvStore.ZSET, now);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    KvStore store() {
        return store;
    }

    DataTypes types() {
        return types;
    }

    /** Whether the client wants RESP3 shapes (nested member/score pairs). */
    boolean resp3() {
        return client.resp3();
    }

    /** A score reply: a RESP3 double, printed as {@code %.17g} (a RESP2 client gets the text as a bulk string). */
    static Reply score(double d) {
        return new Reply.Double(Floats.format(d));
    }

    /** Adds a member and its score to {@code out}: flat for RESP2, as a pair for RESP3 ({@code withScores} only). */
    void emit(List<Reply> out, long node, boolean withScores) {
        Reply member = new Reply.Bulk(zsets.member(node));
        if (!withScores) {
            out.add(member);
        } else if (client.resp3()) {
            out.add(new Reply.Array(List.of(member, score(index.score(node)))));
        } else {
            out.add(member);
            out.add(score(index.score(node)));
        }
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

    /** ZCOUNT (by score) or ZLEXCOUNT (by member): the range is read before the key. */
    private Reply count(Command c, boolean lex, long now) {
        RangeSpec range = RangeSpec.parse(c.arg(2), c.arg(3), lex);
        long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        if (z == 0 || range.isEmpty()) {
            return Reply.integer(0);
        }
        long[] ends = ends(z, range);
        return Reply.integer(ends == null ? 0 : ends[1] - ends[0] + 1);
    }

    /** The 0-based ranks of the first and last members in {@code range}, or null when none is. */
    private long[] ends(long z, RangeSpec range) {
        long l = SortedSet.order(z);
        long first = index.firstAtLeast(l, range);
        if (first == 0 || range.aboveMax(index, first)) {
            return null;
        }
        long last = index.lastAtMost(l, range);
        return new long[] {zsets.rank(z, first), zsets.rank(z, last)};
    }

    /** ZREMRANGEBYRANK / BYSCORE / BYLEX: the range is read, then the key; returns how many went. */
    private Reply removeRange(Command c, long now) {
        String by = c.name().substring("ZREMRANGEBY".length());
        long start = 0;
        long end = 0;
        RangeSpec range = null;
        if (by.equals("RANK")) {
            start = KvError.parseLong(c.arg(2));
            end = KvError.parseLong(c.arg(3));
        } else {
            range = RangeSpec.parse(c.arg(2), c.arg(3), by.equals("LEX"));
        }
        long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        if (z == 0) {
            return Reply.integer(0);
        }
        long[] ranks;
        if (range == null) {
            ranks = ListCommands.clamp(start, end, zsets.count(z));
        } else {
            ranks = range.isEmpty() ? null : ends(z, range);
        }
        if (ranks == null) {
            return Reply.integer(0);
        }
        List<byte[]> doomed = new ArrayList<>();
        long node = index.byRank(SortedSet.order(z), ranks[0] + 1);
        for (long n = ranks[1] - ranks[0] + 1; n > 0; n--) {
            doomed.add(zsets.member(node));
            node = index.next(node);
        }
        for (byte[] m : doomed) {
            zsets.remove(z, m);
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.ZSET, z, now);
        return Reply.integer(doomed.size());
    }

    private Reply zpop(Command c, long now) {
        if (c.size() > 3) {
            throw KvError.SYNTAX;
        }
        boolean hasCount = c.size() == 3;
        long count = hasCount ? KvError.parsePositive(c.arg(2)) : 1;
        long z = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        List<Reply> out = new ArrayList<>();
        if (z == 0 || count == 0) {
            return new Reply.Array(out);
        }
        boolean max = c.name().equals("ZPOPMAX");
        boolean nested = hasCount && client.resp3();
        long l = SortedSet.order(z);
        for (long i = 0; i < count && zsets.count(z) > 0; i++) {
            long node = max ? index.tail(l) : index.head(l);
            byte[] member = zsets.member(node);
            Reply score = score(index.score(node));
            if (nested) {
                out.add(new Reply.Array(List.of(new Reply.Bulk(member), score)));
            } else {
                out.add(new Reply.Bulk(member));
                out.add(score);
            }
            zsets.remove(z, member);
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.ZSET, z, now);
        return new Reply.Array(out);
    }

    static boolean is(Command c, int i, String word) {
        return c.text(i).toUpperCase(Locale.ROOT).equals(word);
    }
}
