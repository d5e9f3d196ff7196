package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.memory.PagedMemory;

import java.util.random.RandomGenerator;

/**
 * The order of a sorted set: a skip list with spans (Redis's {@code zskiplist}) in a
 * {@link PagedHeap}, ordered by score, then by member bytes. Members are not copied into the
 * nodes: a node points at its member's {@link PagedDict} entry. Spans give ranks in
 * O(log n).
 *
 * <pre>
 * list header (32 bytes, embedded in the sorted set's header):
 *         +0 level in use  +8 length  +16 tail node  +24 head node (a node of {@value #MAX_LEVEL} levels)
 * node:   +0 score (IEEE 754 bits)  +8 member's dict entry  +16 backward node  +24 levels
 *         +32 + 16·i: forward node at level i, span at level i   (i &lt; levels)
 * </pre>
 *
 * <p>Levels are drawn with probability 1/4 per extra level from the random generator given;
 * the generator's state is not part of the set (any draw gives a valid list). Process thread
 * only.
 */
final class SkipList {
    static final int MAX_LEVEL = 32;
    static final int HEADER_BYTES = 32;

    private final PagedHeap heap;
    private final PagedMemory mem;
    private final PagedDict dict;
    private final RandomGenerator random;

    SkipList(PagedHeap heap, PagedDict dict, RandomGenerator random) {
        this.heap = heap;
        this.mem = heap.memory();
        this.dict = dict;
        this.random = random;
    }

    /** Formats an empty list whose header is at {@code l}. */
    void init(long l) {
        long head = newNode(MAX_LEVEL, 0, 0);
        mem.putLong(l, 1);
        mem.putLong(l + 8, 0);
        mem.putLong(l + 16, 0);
        mem.putLong(l + 24, head);
    }

    /** Frees every node (the member entries belong to the dictionary). */
    void free(long l) {
        long x = mem.getLong(l + 24);
        while (x != 0) {
            long next = forward(x, 0);
            heap.free(x);
            x = next;
        }
    }

    long length(long l) {
        return mem.getLong(l + 8);
    }

    long tail(long l) {
        return mem.getLong(l + 16);
    }

    /** The first node, or 0. */
    long head(long l) {
        return forward(mem.getLong(l + 24), 0);
    }

    double score(long node) {
        return Double.longBitsToDouble(mem.getLong(node));
    }

    long entry(long node) {
        return mem.getLong(node + 8);
    }

    long next(long node) {
        return forward(node, 0);
    }

    long prev(long node) {
        return mem.getLong(node + 16);
    }

    /** Inserts a node for ({@code score}, the member of {@code entry}), which must not be present. */
    long insert(long l, double score, long entry) {
        return insert(l, score, entry, dict.key(entry));
    }

    /** {@link #insert(long, double, long)} when the caller has the member's bytes already. */
    long insert(long l, double score, long entry, byte[] member) {
        long[] update = new long[MAX_LEVEL];
        long[] rank = new long[MAX_LEVEL];
        int level = (int) mem.getLong(l);
        long x = mem.getLong(l + 24);
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            for (long f = forward(x, i); f != 0 && before(f, score, member); f = forward(x, i)) {
                rank[i] += span(x, i);
                x = f;
            }
            update[i] = x;
        }
        int lvl = randomLevel();
        long length = length(l);
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = mem.getLong(l + 24);
                setSpan(update[i], i, length);
            }
            level = lvl;
            mem.putLong(l, level);
        }
        x = newNode(lvl, score, entry);
        for (int i = 0; i < lvl; i++) {
            setForward(x, i, forward(update[i], i));
            setForward(update[i], i, x);
            setSpan(x, i, span(update[i], i) - (rank[0] - rank[i]));
            setSpan(update[i], i, rank[0] - rank[i] + 1);
        }
        for (int i = lvl; i < level; i++) {
            setSpan(update[i], i, span(update[i], i) + 1);
        }
        long back = update[0] == mem.getLong(l + 24) ? 0 : update[0];
        mem.putLong(x + 16, back);
        long f = forward(x, 0);
        if (f != 0) {
            mem.putLong(f + 16, x);
        } else {
            mem.putLong(l + 16, x);
        }
        mem.putLong(l + 8, length + 1);
        return x;
    }

    /** Removes and frees the node holding ({@code score}, the member of {@code entry}). */
    void delete(long l, double score, long entry) {
        delete(l, score, entry, dict.key(entry));
    }

    /** {@link #delete(long, double, long)} when the caller has the member's bytes already. */
    void delete(long l, double score, long entry, byte[] member) {
        long[] update = new long[MAX_LEVEL];
        int level = (int) mem.getLong(l);
        long x = mem.getLong(l + 24);
        for (int i = level - 1; i >= 0; i--) {
            for (long f = forward(x, i); f != 0 && before(f, score, member); f = forward(x, i)) {
                x = f;
            }
            update[i] = x;
        }
        x = forward(x, 0);
        if (x == 0 || entry(x) != entry) {
            throw new IllegalStateException("sorted set index lost a member");
        }
        for (int i = 0; i < level; i++) {
            if (forward(update[i], i) == x) {
                setSpan(update[i], i, span(update[i], i) + span(x, i) - 1);
                setForward(update[i], i, forward(x, i));
            } else {
                setSpan(update[i], i, span(update[i], i) - 1);
            }
        }
        long f = forward(x, 0);
        if (f != 0) {
            mem.putLong(f + 16, prev(x));
        } else {
            mem.putLong(l + 16, prev(x));
        }
        long head = mem.getLong(l + 24);
        while (level > 1 && forward(head, level - 1) == 0) {
            level--;
        }
        mem.putLong(l, level);
        mem.putLong(l + 8, length(l) - 1);
        heap.free(x);
    }

    /** 1-based rank of the node holding ({@code score}, {@code member}). */
    long rank(long l, double score, byte[] member) {
        long x = mem.getLong(l + 24);
        long rank = 0;
        for (int i = (int) mem.getLong(l) - 1; i >= 0; i--) {
            for (long f = forward(x, i); f != 0 && !after(f, score, member); f = forward(x, i)) {
                rank += span(x, i);
                x = f;
            }
        }
        return rank;
    }

    /** The node at 1-based {@code rank}, or 0. */
    long byRank(long l, long rank) {
        long x = mem.getLong(l + 24);
        long traversed = 0;
        for (int i = (int) mem.getLong(l) - 1; i >= 0; i--) {
            for (long f = forward(x, i); f != 0 && traversed + span(x, i) <= rank; f = forward(x, i)) {
                traversed += span(x, i);
                x = f;
            }
            if (traversed == rank) {
                return rank == 0 ? 0 : x;
            }
        }
        return 0;
    }

    /** The first node not below the range's lower end, or 0. */
    long firstAtLeast(long l, RangeSpec range) {
        long x = mem.getLong(l + 24);
        for (int i = (int) mem.getLong(l) - 1; i >= 0; i--) {
            for (long f = forward(x, i); f != 0 && range.belowMin(this, f); f = forward(x, i)) {
                x = f;
            }
        }
        return forward(x, 0);
    }

    /** The last node not above the range's upper end, or 0. */
    long lastAtMost(long l, RangeSpec range) {
        long x = mem.getLong(l + 24);
        for (int i = (int) mem.getLong(l) - 1; i >= 0; i--) {
            for (long f = forward(x, i); f != 0 && !range.aboveMax(this, f); f = forward(x, i)) {
                x = f;
            }
        }
        return x == mem.getLong(l + 24) ? 0 : x;
    }

    /** Compares {@code node}'s member with {@code member} (memcmp, then length). */
    int compareMember(long node, byte[] member) {
        return dict.compareKey(entry(node), member);
    }

    /** Whether {@code node} sorts before (score, member). */
    private boolean before(long node, double score, byte[] member) {
        double s = score(node);
        return s < score || (s == score && dict.compareKey(entry(node), member) < 0);
    }

    private boolean after(long node, double score, byte[] member) {
        double s = score(node);
        return s > score || (s == score && dict.compareKey(entry(node), member) > 0);
    }

    private int randomLevel() {
        int level = 1;
        while (level < MAX_LEVEL && random.nextInt(4) == 0) {
            level++;
        }
        return level;
    }

    private long newNode(int levels, double score, long entry) {
        long x = heap.allocateZeroed(32 + 16L * levels);
        mem.putLong(x, Double.doubleToRawLongBits(score));
        mem.putLong(x + 8, entry);
        mem.putLong(x + 24, levels);
        return x;
    }

    private long forward(long x, int i) {
        return mem.getLong(x + 32 + 16L * i);
    }

    private void setForward(long x, int i, long to) {
        mem.putLong(x + 32 + 16L * i, to);
    }

    private long span(long x, int i) {
        return mem.getLong(x + 40 + 16L * i);
    }

    private void setSpan(long x, int i, long span) {
        mem.putLong(x + 40 + 16L * i, span);
    }
}
