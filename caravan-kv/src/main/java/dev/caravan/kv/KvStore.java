package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.memory.PagedMemory;
import dev.caravan.wire.ErrorCode;

/**
 * The key space, laid out entirely in a {@link PagedHeap}: an open-addressing hash table
 * (linear probing, backward-shift deletion, doubling at 3/4 load) of 16-byte slots pointing
 * at records.
 *
 * <pre>
 * root block (heap root 0): +0 table address  +8 capacity (slots, power of two)
 *                           +16 keys  +24 keys with an expiry  +32 format version
 * slot:    +0 key hash  +8 record address (0 = empty)
 * record:  +0 expiry ms since epoch (0 = none)  +8 key length (int)  +12 value length (int)
 *          +16 key bytes, then value bytes
 * </pre>
 *
 * <p>Java fields only cache root-block values; {@link #attach} rebuilds them from memory.
 * Threading: the process thread only.
 */
final class KvStore {
    static final long FORMAT = 1;
    private static final int INITIAL_SLOTS = 1024;
    private static final long MAX_SLOTS = 1L << 26;
    private static final int REC_HEADER = 16;

    private final PagedHeap heap;
    private final PagedMemory mem;
    private final long root;
    private long table;
    private long capacity;
    private long mask;
    private long keys;
    private long expires;
    private long expiryCursor;

    private KvStore(PagedHeap heap, long root) {
        this.heap = heap;
        this.mem = heap.memory();
        this.root = root;
        this.table = mem.getLong(root);
        this.capacity = mem.getLong(root + 8);
        this.mask = capacity - 1;
        this.keys = mem.getLong(root + 16);
        this.expires = mem.getLong(root + 24);
    }

    /** An empty store in a freshly formatted heap. */
    static KvStore create(PagedHeap heap) {
        long root = heap.allocateZeroed(40);
        long table = heap.allocateZeroed(INITIAL_SLOTS * 16L);
        PagedMemory m = heap.memory();
        m.putLong(root, table);
        m.putLong(root + 8, INITIAL_SLOTS);
        m.putLong(root + 32, FORMAT);
        heap.setRoot(0, root);
        return new KvStore(heap, root);
    }

    /** The store already in {@code heap} (after migration, clone or checkpoint restore). */
    static KvStore attach(PagedHeap heap) {
        long root = heap.root(0);
        if (root == 0 || heap.memory().getLong(root + 32) != FORMAT) {
            throw ErrorCode.MALFORMED.exception("the paged memory holds no kv store of format " + FORMAT);
        }
        return new KvStore(heap, root);
    }

    long keys() {
        return keys;
    }

    long expires() {
        return expires;
    }

    /** The live record of {@code key} (expired ones are deleted on the way), or 0. */
    long lookup(byte[] key, long nowMs) {
        long slot = slotOf(key, KeyHash.hash(key));
        if (slot < 0) {
            return 0;
        }
        long rec = mem.getLong(table + slot * 16 + 8);
        long exp = mem.getLong(rec);
        if (exp != 0 && exp <= nowMs) {
            deleteSlot(slot);
            return 0;
        }
        return rec;
    }

    /** Slot index holding {@code key}, or {@code -(empty slot) - 1}. */
    private long slotOf(byte[] key, long hash) {
        long i = hash & mask;
        while (true) {
            long s = table + i * 16;
            long rec = mem.getLong(s + 8);
            if (rec == 0) {
                return -i - 1;
            }
            if (mem.getLong(s) == hash && mem.getInt(rec + 8) == key.length
                    && mem.equalsBytes(rec + REC_HEADER, key, 0, key.length)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    byte[] value(long rec) {
        int keyLen = mem.getInt(rec + 8);
        byte[] v = new byte[mem.getInt(rec + 12)];
        mem.read(rec + REC_HEADER + keyLen, v, 0, v.length);
        return v;
    }

    long expiry(long rec) {
        return mem.getLong(rec);
    }

    void setExpiry(long rec, long expiryMs) {
        long old = mem.getLong(rec);
        if ((old == 0) != (expiryMs == 0)) {
            setExpires(expires + (expiryMs == 0 ? -1 : 1));
        }
        mem.putLong(rec, expiryMs);
    }

    /** Sets {@code key} to {@code value} with {@code expiryMs} (0 = none), replacing any old record. */
    void put(byte[] key, byte[] value, long expiryMs) {
        long hash = KeyHash.hash(key);
        long slot = slotOf(key, hash);
        long need = (long) REC_HEADER + key.length + value.length;
        if (slot >= 0) {
            long s = table + slot * 16 + 8;
            long rec = mem.getLong(s);
            if (heap.blockSize(rec) < need) {
                long fresh = heap.allocate(need);
                mem.write(fresh + REC_HEADER, key, 0, key.length);
                mem.putInt(fresh + 8, key.length);
                mem.putLong(fresh, mem.getLong(rec));
                heap.free(rec);
                mem.putLong(s, fresh);
                rec = fresh;
            }
            mem.putInt(rec + 12, value.length);
            mem.write(rec + REC_HEADER + key.length, value, 0, value.length);
            setExpiry(rec, expiryMs);
            return;
        }
        if ((keys + 1) * 4 > capacity * 3) {
            grow();
            slot = slotOf(key, hash);
        }
        long rec = heap.allocate(need);
        mem.putLong(rec, expiryMs);
        mem.putInt(rec + 8, key.length);
        mem.putInt(rec + 12, value.length);
        mem.write(rec + REC_HEADER, key, 0, key.length);
        mem.write(rec + REC_HEADER + key.length, value, 0, value.length);
        long s = table + (-slot - 1) * 16;
        mem.putLong(s, hash);
        mem.putLong(s + 8, rec);
        setKeys(keys + 1);
        if (expiryMs != 0) {
            setExpires(expires + 1);
        }
    }

    /** Removes {@code key}; whether it was there (an expired key counts as absent). */
    boolean delete(byte[] key, long nowMs) {
        long slot = slotOf(key, KeyHash.hash(key));
        if (slot < 0) {
            return false;
        }
        long exp = mem.getLong(mem.getLong(table + slot * 16 + 8));
        deleteSlot(slot);
        return exp == 0 || exp > nowMs;
    }

    private void deleteSlot(long i) {
        long rec = mem.getLong(table + i * 16 + 8);
        if (mem.getLong(rec) != 0) {
            setExpires(expires - 1);
        }
        heap.free(rec);
        long j = i;
        while (true) {
            j = (j + 1) & mask;
            long sj = table + j * 16;
            long recJ = mem.getLong(sj + 8);
            if (recJ == 0) {
                break;
            }
            long hashJ = mem.getLong(sj);
            long home = hashJ & mask;
            // Move j back into the hole at i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
            if (!stays) {
                long si = table + i * 16;
                mem.putLong(si, hashJ);
                mem.putLong(si + 8, recJ);
                i = j;
            }
        }
        mem.putLong(table + i * 16, 0);
        mem.putLong(table + i * 16 + 8, 0);
        setKeys(keys - 1);
    }

    /**
     * Active expiry: examines up to {@code slotBudget} slots from where the last call stopped
     * and deletes expired keys. Returns the number deleted.
     */
    int expireSome(long nowMs, int slotBudget) {
        if (expires == 0) {
            return 0;
        }
        int deleted = 0;
        for (int n = 0; n < slotBudget && keys > 0; n++) {
            long i = expiryCursor & mask;
            long rec = mem.getLong(table + i * 16 + 8);
            if (rec != 0) {
                long exp = mem.getLong(rec);
                if (exp != 0 && exp <= nowMs) {
                    deleteSlot(i);
                    deleted++;
                    continue; // backward shift may have moved another key into slot i
                }
            }
            expiryCursor = (i + 1) & mask;
        }
        return deleted;
    }

    private void grow() {
        if (capacity >= MAX_SLOTS) {
            throw ErrorCode.TOO_LARGE.exception("kv table is at its maximum of " + MAX_SLOTS + " slots");
        }
        long newCap = capacity * 2;
        long newMask = newCap - 1;
        long newTable = heap.allocateZeroed(newCap * 16);
        for (long i = 0; i < capacity; i++) {
            long rec = mem.getLong(table + i * 16 + 8);
            if (rec != 0) {
                long hash = mem.getLong(table + i * 16);
                long j = hash & newMask;
                while (mem.getLong(newTable + j * 16 + 8) != 0) {
                    j = (j + 1) & newMask;
                }
                mem.putLong(newTable + j * 16, hash);
                mem.putLong(newTable + j * 16 + 8, rec);
            }
        }
        heap.free(table);
        table = newTable;
        capacity = newCap;
        mask = newMask;
        mem.putLong(root, table);
        mem.putLong(root + 8, capacity);
    }

    private void setKeys(long n) {
        keys = n;
        mem.putLong(root + 16, n);
    }

    private void setExpires(long n) {
        expires = n;
        mem.putLong(root + 24, n);
    }
}
