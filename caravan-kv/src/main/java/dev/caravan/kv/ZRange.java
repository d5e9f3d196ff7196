package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES], ZRANGESTORE
 * dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count] and the older commands they
 * subsume, as Redis 7.0's {@code zrangeGenericCommand}: options first (LIMIT's numbers as met;
 * WITHSCORES is a syntax error for ZRANGESTORE), then conflicts, then the range, then the key's
 * type. ZRANGESTORE replaces the destination with the result (deleting it when the result is
 * empty) and replies with the result's size; the destination is compact
 * ({@link SortedSet#isCompact}) as redis-server 7.0 creates it.
 */
final class ZRange {
    enum Kind { AUTO, RANK, SCORE, LEX }

    private ZRange() {
    }

    /**
     * @param keyIdx the source key's argument index: 1, or 2 for ZRANGESTORE (destination at 1)
     */
    static Reply execute(ZSetCommands z, Command c, int keyIdx, Kind preset, boolean reverse, long now) {
        boolean store = keyIdx == 2;
        Kind kind = preset;
        Boolean rev = preset == Kind.AUTO ? null : reverse;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = keyIdx + 3; j < c.size(); j++) {
            int left = c.size() - j - 1;
            String opt = c.text(j).toUpperCase(Locale.ROOT);
            if (!store && opt.equals("WITHSCORES")) {
                withScores = true;
            } else if (opt.equals("LIMIT") && left >= 2) {
                offset = KvError.parseLong(c.arg(j + 1));
                limit = KvError.parseLong(c.arg(j + 2));
                j += 2;
            } else if (rev == null && opt.equals("REV")) {
                rev = true;
            } else if (kind == Kind.AUTO && opt.equals("BYLEX")) {
                kind = Kind.LEX;
            } else if (kind == Kind.AUTO && opt.equals("BYSCORE")) {
                kind = Kind.SCORE;
            } else {
                throw KvError.SYNTAX;
            }
        }
        boolean backwards = rev != null && rev;
        if (kind == Kind.AUTO) {
            kind = Kind.RANK;
        }
        if (limit != -1 && kind == Kind.RANK) {
            throw new KvError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
        }
        if (withScores && kind == Kind.LEX) {
            throw new KvError("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
        }
        int minIdx = keyIdx + 1;
        int maxIdx = keyIdx + 2;
        if (backwards && kind != Kind.RANK) {
            minIdx = keyIdx + 2;
            maxIdx = keyIdx + 1;
        }
        long start = 0;
        long end = 0;
        RangeSpec range = null;
        if (kind == Kind.RANK) {
            start = KvError.parseLong(c.arg(minIdx));
            end = KvError.parseLong(c.arg(maxIdx));
        } else {
            range = RangeSpec.parse(c.arg(minIdx), c.arg(maxIdx), kind == Kind.LEX);
        }
        long set = DataTypes.find(z.store(), c.arg(keyIdx), KvStore.ZSET, now);
        List<Long> nodes = set == 0 ? List.of() : kind == Kind.RANK ? byRank(z, set, start, end, backwards)
                : byRange(z, set, range, offset, limit, backwards);
        if (store) {
            return store(z, c.arg(1), nodes, kind == Kind.RANK, now);
        }
        List<Reply> out = new ArrayList<>();
        for (long node : nodes) {
            z.emit(out, node, withScores);
        }
        return new Reply.Array(out);
    }

    private static List<Long> byRank(ZSetCommands z, long set, long start, long end, boolean backwards) {
        SortedSet zsets = z.types().zsets;
        SkipList index = zsets.index();
        long len = zsets.count(set);
        long[] r = ListCommands.clamp(start, end, len);
        List<Long> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        long l = SortedSet.order(set);
        long node = backwards ? index.byRank(l, len - r[0]) : index.byRank(l, r[0] + 1);
        for (long n = r[1] - r[0] + 1; n > 0; n--) {
            out.add(node);
            node = backwards ? index.prev(node) : index.next(node);
        }
        return out;
    }

    private static List<Long> byRange(ZSetCommands z, long set, RangeSpec range, long offset, long limit, boolean backwards) {
        SortedSet zsets = z.types().zsets;
        SkipList index = zsets.index();
        List<Long> out = new ArrayList<>();
        if ((offset > 0 && offset >= zsets.count(set)) || range.isEmpty()) {
            return out;
        }
        long l = SortedSet.order(set);
        long node = backwards ? index.lastAtMost(l, range) : index.firstAtLeast(l, range);
        if (node != 0 && (backwards ? range.belowMin(index, node) : range.aboveMax(index, node))) {
            node = 0;
        }
        while (node != 0 && offset-- != 0) {
            node = backwards ? index.prev(node) : index.next(node);
        }
        while (node != 0 && limit-- != 0) {
            if (backwards ? range.belowMin(index, node) : range.aboveMax(index, node)) {
                break;
            }
            out.add(node);
            node = backwards ? index.prev(node) : index.next(node);
        }
        return out;
    }

    /** ZRANGESTORE's result: a rank range of more than 128 members makes a skip-list set at once, as in Redis. */
    private static Reply store(ZSetCommands z, byte[] dst, List<Long> nodes, boolean byRank, long now) {
        SortedSet zsets = z.types().zsets;
        SkipList index = zsets.index();
        List<byte[]> members = new ArrayList<>(nodes.size());
        double[] scores = new double[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            members.add(zsets.member(nodes.get(i)));
            scores[i] = index.score(nodes.get(i));
        }
        z.store().delete(dst, now);
        if (!members.isEmpty()) {
            boolean compact = !byRank || members.size() <= SortedSet.COMPACT_ENTRIES;
            long set = z.types().createZset(z.store(), dst, compact);
            for (int i = 0; i < members.size(); i++) {
                zsets.put(set, members.get(i), scores[i]);
            }
        }
        return Reply.integer(members.size());
    }
}
