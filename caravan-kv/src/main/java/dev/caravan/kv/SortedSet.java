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
 * header (40 bytes): +0 member dictionary (PagedDict header)  +8 skip list header (32 bytes)
 * dictionary entry:  key = member, value = 8-byte address of the member's skip-list node
 * skip-list node:    +0 score  +8 the member's dictionary entry  (see SkipList)
 * </pre>
 *
 * Process thread only.
 */
final class SortedSet {
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

    long create() {
        long z = heap.allocateZeroed(8 + SkipList.HEADER_BYTES);
        mem.putLong(z, dict.create());
        list.init(z + 8);
        return z;
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
     * Adds {@code member} or moves it to {@code score}; whether it was added. A score of -0 is
     * kept as 0, as Redis's small (listpack) sorted sets keep it.
     */
    boolean put(long z, byte[] member, double score) {
        score += 0.0;
        long d = mem.getLong(z);
        long e = dict.find(d, member);
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
