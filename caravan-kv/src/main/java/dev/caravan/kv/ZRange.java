package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] and the older
 * commands it subsumes, as Redis 7.0's {@code zrangeGenericCommand}: options first (LIMIT's
 * numbers as met), then conflicts, then the range, then the key's type.
 */
final class ZRange {
    enum Kind { AUTO, RANK, SCORE, LEX }

    private ZRange() {
    }

    static Reply execute(ZSetCommands z, Command c, Kind preset, boolean reverse, long now) {
        Kind kind = preset;
        Boolean rev = preset == Kind.AUTO ? null : reverse;
        boolean withScores = false;
        long offset = 0;
        long limit = -1;
        for (int j = 4; j < c.size(); j++) {
            int left = c.size() - j - 1;
            String opt = c.text(j).toUpperCase(Locale.ROOT);
            if (opt.equals("WITHSCORES")) {
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
        int minIdx = 2;
        int maxIdx = 3;
        if (backwards && kind != Kind.RANK) {
            minIdx = 3;
            maxIdx = 2;
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
        long set = DataTypes.find(z.store(), c.arg(1), KvStore.ZSET, now);
        List<Reply> out = new ArrayList<>();
        if (set == 0) {
            return new Reply.Array(out);
        }
        SortedSet zsets = z.types().zsets;
        SkipList index = zsets.index();
        long l = SortedSet.order(set);
        long len = zsets.count(set);
        if (kind == Kind.RANK) {
            long[] r = ListCommands.clamp(start, end, len);
            if (r == null) {
                return new Reply.Array(out);
            }
            long node = backwards ? index.byRank(l, len - r[0]) : index.byRank(l, r[0] + 1);
            for (long n = r[1] - r[0] + 1; n > 0; n--) {
                emit(out, zsets, node, withScores);
                node = backwards ? index.prev(node) : index.next(node);
            }
            return new Reply.Array(out);
        }
        if ((offset > 0 && offset >= len) || range.isEmpty()) {
            return new Reply.Array(out);
        }
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
            emit(out, zsets, node, withScores);
            node = backwards ? index.prev(node) : index.next(node);
        }
        return new Reply.Array(out);
    }

    private static void emit(List<Reply> out, SortedSet zsets, long node, boolean withScores) {
        out.add(new Reply.Bulk(zsets.member(node)));
        if (withScores) {
            out.add(ZSetCommands.score(zsets.index().score(node)));
        }
    }
}
