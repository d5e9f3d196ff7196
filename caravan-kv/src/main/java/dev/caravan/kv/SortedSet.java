package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.memory.PagedMemory;

import java.util.random.RandomGenerator;

/**
 * A sorted set laid out in a {@link PagedHeap}, as Redis's skiplist encoding: a
 * {@link PagedDict} from member to its node (member lookups, ZSCORE in O(1)) and a
 * {@link SkipList} in score order (ranks and ranges in O(log n)).
 *
 * <pre>
 * header (48 bytes): +0 member dictionary (PagedDict header)  +8 skip list header (32 bytes)
 *                    +40 flags: bit 0 = compact
 * dictionary entry:  key = member, value = 8-byte address of the member's skip-list node
 * skip-list node:    +0 score  +8 the member's dictionary entry  (see SkipList)
 * </pre>
 *
 * <p>A set is <em>compact</em> while redis-server 7.0 would keep it as a listpack (created
 * holding a short first member, at most {@value #COMPACT_ENTRIES} members, none longer than
 * {@value #COMPACT_MEMBER_BYTES} bytes; once over, never back). The one difference a client can
 * see: a listpack stores the score -0 as 0, a skip list keeps -0. Process thread only.
 */
final class SortedSet {
    /** Redis's {@code zset-max-listpack-entries}. */
    static final int COMPACT_ENTRIES = 128;
    /** Redis's {@code zset-max-listpack-value}. */
    static final int COMPACT_MEMBER_BYTES = 64;
    private static final int HEADER_BYTES = 8 + SkipList.HEADER_BYTES + 8;

    private final PagedHeap heap;
    private final PagedMemory mem;
    private final PagedDict dict;
    private final SkipList list;

    SortedSet(PagedHeap heap, PagedDict dict, RandomGenerator random) {
        this.heap = heap;
        this.mem = heap.memory();
        this.dict = dict;
        this.list = new SkipList(heap, dict, random);
    }

    SkipList index() {
        return list;
    }

    /** A new empty set, compact (see the class comment) if {@code compact}. */
    long create(boolean compact) {
        long z = heap.allocateZeroed(HEADER_BYTES);
        mem.putLong(z, dict.create());
        list.init(z + 8);
        mem.putLong(z + 40, compact ? 1 : 0);
        return z;
    }

    /** Whether redis-server would hold this set as a listpack. */
    boolean isCompact(long z) {
        return (mem.getLong(z + 40) & 1) != 0;
    }

    /** The member dictionary's header (for {@link PagedDict} calls). */
    long members(long z) {
        return mem.getLong(z);
    }

    void free(long z) {
        list.free(z + 8);
        dict.free(mem.getLong(z));
        heap.free(z);
    }

    long count(long z) {
        return list.length(z + 8);
    }

    /** The skip list's header address, for {@link SkipList} calls. */
    static long order(long z) {
        return z + 8;
    }

    /** The member's node, or 0. */
    long node(long z, byte[] member) {
        long e = dict.find(mem.getLong(z), member);
        return e == 0 ? 0 : dict.valueLong(e);
    }

    byte[] member(long node) {
        return dict.key(list.entry(node));
    }

    /**
     * Adds {@code member} or moves it to {@code score}; whether it was added. A compact set
     * stores -0 as 0 and stops being compact when the member is one too many or too long.
     */
    boolean put(long z, byte[] member, double score) {
        long d = mem.getLong(z);
        long e = dict.find(d, member);
        if (e == 0 && isCompact(z) && (dict.count(d) + 1 > COMPACT_ENTRIES || member.length > COMPACT_MEMBER_BYTES)) {
            mem.putLong(z + 40, 0);
        }
        if (isCompact(z)) {
            score += 0.0;
        }
        if (e != 0) {
            long node = dict.valueLong(e);
            double old = list.score(node);
            if (old != score) { // -0 and 0 are one score, as in C
                list.delete(z + 8, old, e, member);
                dict.setValueLong(e, list.insert(z + 8, score, e, member));
            }
            return false;
        }
        e = dict.put(d, member, new byte[8]);
        dict.setValueLong(e, list.insert(z + 8, score, e, member));
        return true;
    }

    /** Removes {@code member}; whether it was there. */
    boolean remove(long z, byte[] member) {
        long d = mem.getLong(z);
        long e = dict.find(d, member);
        if (e == 0) {
            return false;
        }
        list.delete(z + 8, list.score(dict.valueLong(e)), e, member);
        dict.remove(d, member);
        return true;
    }

    /** 0-based rank of {@code node} in ascending order. */
    long rank(long z, long node) {
        return list.rank(z + 8, list.score(node), member(node)) - 1;
    }
}
