package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

/**
 * ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member … and ZINCRBY (ZADD with INCR), as Redis
 * 7.0's {@code zaddGenericCommand}: options, then pair count, then option conflicts, then every
 * score, then the key's type. Pure apart from the store it writes.
 */
final class ZAdd {
    private ZAdd() {
    }

    static Reply execute(ZSetCommands z, Command c, int first, boolean incrCommand, long now) {
        boolean nx = false;
        boolean xx = false;
        boolean gt = false;
        boolean lt = false;
        boolean ch = false;
        boolean incr = incrCommand;
        int i = first;
        for (; i < c.size(); i++) {
            switch (c.text(i).toUpperCase(java.util.Locale.ROOT)) {
                case "NX" -> nx = true;
                case "XX" -> xx = true;
                case "CH" -> ch = true;
                case "INCR" -> incr = true;
                case "GT" -> gt = true;
                case "LT" -> lt = true;
                default -> {
                    return pairs(z, c, i, nx, xx, gt, lt, ch, incr, now);
                }
            }
        }
        throw KvError.SYNTAX;
    }

    private static Reply pairs(ZSetCommands z, Command c, int scoreIdx, boolean nx, boolean xx, boolean gt, boolean lt,
                               boolean ch, boolean incr, long now) {
        int elements = c.size() - scoreIdx;
        if (elements % 2 != 0 || elements == 0) {
            throw KvError.SYNTAX;
        }
        elements /= 2;
        if (nx && xx) {
            throw new KvError("ERR XX and NX options at the same time are not compatible");
        }
        if ((gt && nx) || (lt && nx) || (gt && lt)) {
            throw new KvError("ERR GT, LT, and/or NX options at the same time are not compatible");
        }
        if (incr && elements > 1) {
            throw new KvError("ERR INCR option supports a single increment-element pair");
        }
        double[] scores = new double[elements];
        for (int j = 0; j < elements; j++) {
            scores[j] = Floats.parseScore(c.arg(scoreIdx + 2 * j));
        }
        KvStore store = z.store();
        DataTypes types = z.types();
        long set = DataTypes.find(store, c.arg(1), KvStore.ZSET, now);
        if (set == 0) {
            if (xx) {
                return incr ? Reply.NIL : Reply.integer(0);
            }
            set = types.createZset(store, c.arg(1), c.arg(scoreIdx + 1).length <= SortedSet.COMPACT_MEMBER_BYTES);
        }
        SortedSet zsets = types.zsets;
        long added = 0;
        long updated = 0;
        long processed = 0;
        double score = 0;
        for (int j = 0; j < elements; j++) {
            byte[] member = c.arg(scoreIdx + 1 + 2 * j);
            double s = scores[j];
            long node = zsets.node(set, member);
            if (node != 0) {
                double current = zsets.index().score(node);
                if (nx) {
                    continue;
                }
                if (incr) {
                    s += current;
                    if (Double.isNaN(s)) {
                        throw new KvError("ERR resulting score is not a number (NaN)");
                    }
                }
                if ((lt && s >= current) || (gt && s <= current)) {
                    continue;
                }
                if (s != current) {
                    zsets.put(set, member, s);
                    updated++;
                }
            } else if (!xx) {
                zsets.put(set, member, s);
                added++;
            } else {
                continue;
            }
            processed++;
            score = s;
        }
        if (incr) {
            return processed > 0 ? ZSetCommands.score(score) : Reply.NIL;
        }
        return Reply.integer(ch ? added + updated : added);
    }
}
