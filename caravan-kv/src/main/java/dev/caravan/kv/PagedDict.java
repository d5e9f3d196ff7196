package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.memory.PagedMemory;

import java.util.random.RandomGenerator;

/**
 * A dictionary of byte strings laid out in a {@link PagedHeap}: the field table of a hash, the
 * member table of a set and of a sorted set. An open-addressing table (linear probing,
 * backward-shift deletion, doubling at 3/4 load, halving under 1/8) indexes entries that are
 * also chained in insertion order, so iteration costs the entries, not the slots, and a hash
 * replies in the order Redis's small (listpack) hashes do.
 *
 * <pre>
 * header (40 bytes): +0 table  +8 capacity (slots, a power of two, at least 8)  +16 entries
 *                    +24 first entry  +32 last entry
 * slot (16 bytes):   +0 hash of the key  +8 entry address (0 = empty)
 * entry:             +0 next entry  +8 previous entry  +16 key length (int)  +20 value length (int)
 *                    +24 key bytes, then value bytes (unaligned)
 * </pre>
 *
 * <p>A dictionary is named by its header's address, which never moves. Stateless apart from
 * the heap; process thread only.
 */
final class PagedDict {
    static final int HEADER_BYTES = 40;
    private static final int ENTRY_HEADER = 24;
    private static final long MIN_SLOTS = 8;

    private final PagedHeap heap;
    private final PagedMemory mem;
    /** Changes made so far (puts, removals, value updates): WATCH's sign that a command wrote. */
    private long mutations;

    PagedDict(PagedHeap heap) {
        this.heap = heap;
        this.mem = heap.memory();
    }

    /** A new empty dictionary; its header address. */
    long create() {
        long d = heap.allocateZeroed(HEADER_BYTES);
        mem.putLong(d, heap.allocateZeroed(MIN_SLOTS * 16));
        mem.putLong(d + 8, MIN_SLOTS);
        return d;
    }

    /** Frees every entry, the table and the header. */
    void free(long d) {
        for (long e = first(d); e != 0; ) {
            long next = next(e);
            heap.free(e);
            e = next;
        }
        heap.free(mem.getLong(d));
        heap.free(d);
    }

    long count(long d) {
        return mem.getLong(d + 16);
    }

    /** Changes made by this instance so far; see {@link DataTypes#mutations()}. */
    long mutations() {
        return mutations;
    }

    long first(long d) {
        return mem.getLong(d + 24);
    }

    long next(long e) {
        return mem.getLong(e);
    }

    byte[] key(long e) {
        byte[] k = new byte[mem.getInt(e + 16)];
        mem.read(e + ENTRY_HEADER, k, 0, k.length);
        return k;
    }

    byte[] value(long e) {
        int keyLen = mem.getInt(e + 16);
        byte[] v = new byte[mem.getInt(e + 20)];
        mem.read(e + ENTRY_HEADER + keyLen, v, 0, v.length);
        return v;
    }

    /** The value as a long, for entries whose value is 8 bytes (a sorted set's node address). */
    long valueLong(long e) {
        return Unaligned.getLong(mem, e + ENTRY_HEADER + mem.getInt(e + 16));
    }

    void setValueLong(long e, long v) {
        mutations++;
        Unaligned.putLong(mem, e + ENTRY_HEADER + mem.getInt(e + 16), v);
    }

    /** Compares the entry's key with {@code other} as memcmp then length would. */
    int compareKey(long e, byte[] other) {
        return Unaligned.compare(mem, e + ENTRY_HEADER, mem.getInt(e + 16), other);
    }

    /** The entry holding {@code key}, or 0. */
    long find(long d, byte[] key) {
        long slot = slotOf(d, key, KeyHash.hash(key));
        return slot < 0 ? 0 : mem.getLong(mem.getLong(d) + slot * 16 + 8);
    }

    /** Sets {@code key} to {@code value}; its entry (a replaced key keeps its place in the order). */
    long put(long d, byte[] key, byte[] value) {
        mutations++;
        long hash = KeyHash.hash(key);
        long slot = slotOf(d, key, hash);
        long need = (long) ENTRY_HEADER + key.length + value.length;
        if (slot >= 0) {
            long s = mem.getLong(d) + slot * 16 + 8;
            long e = mem.getLong(s);
            if (heap.blockSize(e) < need) {
                long fresh = heap.allocate(need);
                mem.putLong(fresh, mem.getLong(e));
                mem.putLong(fresh + 8, mem.getLong(e + 8));
                mem.putInt(fresh + 16, key.length);
                mem.write(fresh + ENTRY_HEADER, key, 0, key.length);
                relink(d, e, fresh);
                heap.free(e);
                mem.putLong(s, fresh);
                e = fresh;
            }
            mem.putInt(e + 20, value.length);
            mem.write(e + ENTRY_HEADER + key.length, value, 0, value.length);
            return e;
        }
        long count = count(d);
        if ((count + 1) * 4 > mem.getLong(d + 8) * 3) {
            rebuild(d, mem.getLong(d + 8) * 2);
            slot = slotOf(d, key, hash);
        }
        long e = heap.allocate(need);
        long last = mem.getLong(d + 32);
        mem.putLong(e, 0);
        mem.putLong(e + 8, last);
        mem.putInt(e + 16, key.length);
        mem.putInt(e + 20, value.length);
        mem.write(e + ENTRY_HEADER, key, 0, key.length);
        mem.write(e + ENTRY_HEADER + key.length, value, 0, value.length);
        if (last == 0) {
            mem.putLong(d + 24, e);
        } else {
            mem.putLong(last, e);
        }
        mem.putLong(d + 32, e);
        long s = mem.getLong(d) + (-slot - 1) * 16;
        mem.putLong(s, hash);
        mem.putLong(s + 8, e);
        mem.putLong(d + 16, count + 1);
        return e;
    }

    /** Removes {@code key}; whether it was there. */
    boolean remove(long d, byte[] key) {
        long slot = slotOf(d, key, KeyHash.hash(key));
        if (slot < 0) {
            return false;
        }
        mutations++;
        long table = mem.getLong(d);
        long e = mem.getLong(table + slot * 16 + 8);
        long next = mem.getLong(e);
        long prev = mem.getLong(e + 8);
        mem.putLong(prev == 0 ? d + 24 : prev, next);
        mem.putLong(next == 0 ? d + 32 : next + 8, prev);
        heap.free(e);
        shiftBack(table, mem.getLong(d + 8) - 1, slot);
        long count = count(d) - 1;
        mem.putLong(d + 16, count);
        long capacity = mem.getLong(d + 8);
        if (capacity > MIN_SLOTS && count * 8 < capacity) {
            rebuild(d, capacity / 2);
        }
        return true;
    }

    /**
     * Visits home bucket {@code cursor} (masked by the table's size): hands every entry whose
     * key hashes there to {@code visitor}, and returns the next cursor in reversed-bit order,
     * 0 when the scan is complete. A key present for a whole scan is visited at least once
     * whatever the table does in between (see {@link KvStore}'s class comment: linear probing
     * with backward-shift deletion keeps a bucket's keys in the run that starts at its slot).
     */
    long scanBucket(long d, long cursor, java.util.function.LongConsumer visitor) {
        long table = mem.getLong(d);
        long mask = mem.getLong(d + 8) - 1;
        long home = cursor & mask;
        for (long i = home; ; i = (i + 1) & mask) {
            long e = mem.getLong(table + i * 16 + 8);
            if (e == 0) {
                break;
            }
            if ((mem.getLong(table + i * 16) & mask) == home) {
                visitor.accept(e);
            }
        }
        long v = cursor | ~mask;
        return Long.reverse(Long.reverse(v) + 1);
    }

    /** A uniformly chosen entry of a non-empty dictionary. */
    long random(long d, RandomGenerator random) {
        long table = mem.getLong(d);
        long capacity = mem.getLong(d + 8);
        while (true) {
            long e = mem.getLong(table + random.nextLong(capacity) * 16 + 8);
            if (e != 0) {
                return e;
            }
        }
    }

    private void relink(long d, long old, long fresh) {
        long next = mem.getLong(old);
        long prev = mem.getLong(old + 8);
        mem.putLong(prev == 0 ? d + 24 : prev, fresh);
        mem.putLong(next == 0 ? d + 32 : next + 8, fresh);
    }

    private long slotOf(long d, byte[] key, long hash) {
        long table = mem.getLong(d);
        long mask = mem.getLong(d + 8) - 1;
        long i = hash & mask;
        while (true) {
            long s = table + i * 16;
            long e = mem.getLong(s + 8);
            if (e == 0) {
                return -i - 1;
            }
            if (mem.getLong(s) == hash && mem.getInt(e + 16) == key.length
                    && mem.equalsBytes(e + ENTRY_HEADER, key, 0, key.length)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    private void shiftBack(long table, long mask, long i) {
        long j = i;
        while (true) {
            j = (j + 1) & mask;
            long sj = table + j * 16;
            long ej = mem.getLong(sj + 8);
            if (ej == 0) {
                break;
            }
            long hashJ = mem.getLong(sj);
            long home = hashJ & mask;
            boolean stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays) {
                mem.putLong(table + i * 16, hashJ);
                mem.putLong(table + i * 16 + 8, ej);
                i = j;
            }
        }
        mem.putLong(table + i * 16, 0);
        mem.putLong(table + i * 16 + 8, 0);
    }

    private void rebuild(long d, long newCap) {
        long old = mem.getLong(d);
        long oldCap = mem.getLong(d + 8);
        long mask = newCap - 1;
        long fresh = heap.allocateZeroed(newCap * 16);
        for (long i = 0; i < oldCap; i++) {
            long e = mem.getLong(old + i * 16 + 8);
            if (e != 0) {
                long hash = mem.getLong(old + i * 16);
                long j = hash & mask;
                while (mem.getLong(fresh + j * 16 + 8) != 0) {
                    j = (j + 1) & mask;
                }
                mem.putLong(fresh + j * 16, hash);
                mem.putLong(fresh + j * 16 + 8, e);
            }
        }
        heap.free(old);
        mem.putLong(d, fresh);
        mem.putLong(d + 8, newCap);
    }
}
