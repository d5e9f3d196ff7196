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
 * record:  +0 expiry ms since epoch (0 = none)  +8 type &lt;&lt; 29 | key length (int)
 *          +12 value length (int)  +16 key bytes, then value bytes
 * </pre>
 *
 * <p>A string's value is its bytes. A hash, list, set or sorted set keeps the 8-byte address
 * of its own header as the value ({@link #object}); {@link DataTypes} lays those out and
 * frees them when the key goes (deletion, overwrite, expiry).
 *
 * <p>SCAN walks home buckets, not slots: cursor value {@code v} stands for every key whose
 * hash masked by the table's size is {@code v}, all of which sit in the run of occupied slots
 * that starts at slot {@code v} (linear probing never leaves a hole between a key's home and
 * its slot, and backward-shift deletion keeps it so). The cursor advances in reversed-bit order
 * as Redis's {@code dictScan} does, so when the table doubles between calls the buckets
 * already visited split into buckets that are again all below the cursor in that order: a key
 * present for the whole scan is returned at least once.
 *
 * <p>Every change to a key's record (written, expiry set, deleted, expired lazily or actively,
 * renamed) is told to the {@link KeyListener}, after the change: Redis's
 * {@code signalModifiedKey}, which WATCH needs. Changes inside a collection's own layout are
 * not records' changes; {@link DataTypes#mutations()} counts those.
 *
 * <p>Java fields only cache root-block values; {@link #attach} rebuilds them from memory.
 * Threading: the process thread only.
 */
final class KvStore {
    /** 4: list entries carry their length after them too ({@link PagedList}). */
    static final long FORMAT = 4;
    static final int STRING = 0;
    static final int HASH = 1;
    static final int LIST = 2;
    static final int SET = 3;
    static final int ZSET = 4;
    /** Keys are shorter than this: the record's length word keeps the type in its top bits. */
    static final int MAX_KEY_BYTES = (1 << 29) - 1;
    private static final int LEN_MASK = MAX_KEY_BYTES;

    /** Frees what a record of a non-string type points at. */
    @FunctionalInterface
    interface ObjectFreer {
        void free(int type, long object);
    }

    /**
     * Told of each key whose record a write changed, after the change (Redis's
     * {@code signalModifiedKey}). Process thread only; must not call back into the store.
     */
    interface KeyListener {
        /** Whether anyone listens now; when not, the store reads no key bytes for the listener. */
        boolean listening();

        /** {@code key}'s record was written ({@code exists}) or removed (deleted, expired, renamed away). */
        void onKeyChanged(byte[] key, boolean exists);
    }

    /** Small, as Redis starts its tables: SCAN of a small key space then completes in one call. */
    private static final int INITIAL_SLOTS = 8;
    private static final long MAX_SLOTS = 1L << 26;
    private static final int REC_HEADER = 16;

    private final PagedHeap heap;
    private final PagedMemory mem;
    private final ObjectFreer freer;
    private final long root;
    private long table;
    private long capacity;
    private long mask;
    private long keys;
    private long expires;
    private long expiryCursor;
    private KeyListener listener;
    private long expiredKeys;

    private KvStore(PagedHeap heap, long root, ObjectFreer freer) {
        this.heap = heap;
        this.freer = freer;
        this.mem = heap.memory();
        this.root = root;
        this.table = mem.getLong(root);
        this.capacity = mem.getLong(root + 8);
        this.mask = capacity - 1;
        this.keys = mem.getLong(root + 16);
        this.expires = mem.getLong(root + 24);
    }

    /** An empty store in a freshly formatted heap. */
    static KvStore create(PagedHeap heap, ObjectFreer freer) {
        long root = heap.allocateZeroed(40);
        long table = heap.allocateZeroed(INITIAL_SLOTS * 16L);
        PagedMemory m = heap.memory();
        m.putLong(root, table);
        m.putLong(root + 8, INITIAL_SLOTS);
        m.putLong(root + 32, FORMAT);
        heap.setRoot(0, root);
        return new KvStore(heap, root, freer);
    }

    /** The store already in {@code heap} (after migration, clone or checkpoint restore). */
    static KvStore attach(PagedHeap heap, ObjectFreer freer) {
        long root = heap.root(0);
        if (root == 0 || heap.memory().getLong(root + 32) != FORMAT) {
            throw ErrorCode.MALFORMED.exception("the paged memory holds no kv store of format " + FORMAT);
        }
        return new KvStore(heap, root, freer);
    }

    /** Sets the one listener told of every key change; null for none. */
    void listen(KeyListener l) {
        listener = l;
    }

    private boolean listening() {
        return listener != null && listener.listening();
    }

    long keys() {
        return keys;
    }

    long expires() {
        return expires;
    }

    /**
     * Keys deleted because their time had come (when touched, by SCAN, or by {@link #expireSome})
     * since this store was created or attached: INFO's {@code expired_keys}. Not kept in memory:
     * a migrated process counts from zero, as a restarted redis-server does.
     */
    long expiredKeys() {
        return expiredKeys;
    }

    /** CONFIG RESETSTAT. */
    void resetExpiredKeys() {
        expiredKeys = 0;
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
            expiredKeys++;
            return 0;
        }
        return rec;
    }

    /**
     * The live record of {@code key}, or 0; unlike {@link #lookup} it never deletes an expired
     * key: for readers that must not write (a shipped function's {@link KvEvalView}).
     */
    long peek(byte[] key, long nowMs) {
        long slot = slotOf(key, KeyHash.hash(key));
        if (slot < 0) {
            return 0;
        }
        long rec = mem.getLong(table + slot * 16 + 8);
        return live(rec, nowMs) ? rec : 0;
    }

    /** Whether record {@code rec} has not expired at {@code nowMs}. */
    boolean live(long rec, long nowMs) {
        long exp = mem.getLong(rec);
        return exp == 0 || exp > nowMs;
    }

    /** How many slots the table has (a read-only walk goes over slots 0..slotCount-1). */
    long slotCount() {
        return capacity;
    }

    /** The record in slot {@code slot}, or 0 when the slot is empty. */
    long recordAt(long slot) {
        return mem.getLong(table + slot * 16 + 8);
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
            if (mem.getLong(s) == hash && (mem.getInt(rec + 8) & LEN_MASK) == key.length
                    && mem.equalsBytes(rec + REC_HEADER, key, 0, key.length)) {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /** The record's type: {@link #STRING}, {@link #HASH}, {@link #LIST}, {@link #SET} or {@link #ZSET}. */
    int type(long rec) {
        return mem.getInt(rec + 8) >>> 29;
    }

    byte[] key(long rec) {
        byte[] k = new byte[mem.getInt(rec + 8) & LEN_MASK];
        mem.read(rec + REC_HEADER, k, 0, k.length);
        return k;
    }

    /** The header address a non-string record holds. */
    long object(long rec) {
        return Unaligned.getLong(mem, rec + REC_HEADER + (mem.getInt(rec + 8) & LEN_MASK));
    }

    /** Adds {@code key}, which must be absent, holding the {@code type} object at {@code object}. */
    void putObject(byte[] key, int type, long object) {
        byte[] value = new byte[8];
        for (int i = 0; i < 8; i++) {
            value[i] = (byte) (object >>> (8 * i));
        }
        put(key, value, 0);
        long rec = lookup(key, 0);
        mem.putInt(rec + 8, type << 29 | key.length);
    }

    /**
     * The string value of a {@link #STRING} record, on the heap: for commands that read short
     * values (counters). A value longer than {@link StringValues#HEAP_VALUE_BYTES} is refused
     * rather than copied onto the heap; such values are read through {@link StringValues}.
     */
    byte[] value(long rec) {
        int len = valueLength(rec);
        if (len > StringValues.HEAP_VALUE_BYTES) {
            throw new KvError("ERR the value is " + len + " bytes, too long for this command; read it with GET or GETRANGE");
        }
        byte[] v = new byte[len];
        mem.read(valueAddress(rec), v, 0, v.length);
        return v;
    }

    /** Length of a {@link #STRING} record's value. */
    int valueLength(long rec) {
        return mem.getInt(rec + 12);
    }

    /** Address of a {@link #STRING} record's value bytes (valid until the store next changes). */
    long valueAddress(long rec) {
        return rec + REC_HEADER + (mem.getInt(rec + 8) & LEN_MASK);
    }

    /** The memory the records live in. */
    PagedMemory memory() {
        return mem;
    }

    /** Writes {@code len} zero bytes at {@code address}. */
    void zero(long address, long len) {
        heap.zero(address, len);
    }

    long expiry(long rec) {
        return mem.getLong(rec);
    }

    void setExpiry(long rec, long expiryMs) {
        writeExpiry(rec, expiryMs);
        if (listening()) {
            listener.onKeyChanged(key(rec), true);
        }
    }

    private void writeExpiry(long rec, long expiryMs) {
        long old = mem.getLong(rec);
        if ((old == 0) != (expiryMs == 0)) {
            setExpires(expires + (expiryMs == 0 ? -1 : 1));
        }
        mem.putLong(rec, expiryMs);
    }

    /** Sets {@code key} to the string {@code value} with {@code expiryMs} (0 = none), replacing any old value of any type. */
    void put(byte[] key, byte[] value, long expiryMs) {
        long at = putReserved(key, value.length, expiryMs);
        mem.write(at, value, 0, value.length);
    }

    /**
     * Sets {@code key} to a string of {@code valueLength} bytes with {@code expiryMs} (0 = none),
     * replacing any old value of any type, and returns the address of the value's bytes, which
     * the caller fills (their content is undefined until then): how a value that is not on the
     * heap gets in without a heap copy.
     */
    long putReserved(byte[] key, long valueLength, long expiryMs) {
        if (key.length > MAX_KEY_BYTES) {
            throw ErrorCode.TOO_LARGE.exception("key of " + key.length + " bytes");
        }
        if (valueLength > Integer.MAX_VALUE) {
            throw ErrorCode.TOO_LARGE.exception("value of " + valueLength + " bytes");
        }
        long hash = KeyHash.hash(key);
        long slot = slotOf(key, hash);
        long need = REC_HEADER + key.length + valueLength;
        if (slot >= 0) {
            long s = table + slot * 16 + 8;
            long rec = mem.getLong(s);
            freeObject(rec);
            if (heap.blockSize(rec) < need) {
                long fresh = heap.allocate(need);
                mem.write(fresh + REC_HEADER, key, 0, key.length);
                mem.putLong(fresh, mem.getLong(rec));
                heap.free(rec);
                mem.putLong(s, fresh);
                rec = fresh;
            }
            mem.putInt(rec + 8, key.length);
            mem.putInt(rec + 12, (int) valueLength);
            writeExpiry(rec, expiryMs);
            if (listening()) {
                listener.onKeyChanged(key, true);
            }
            return rec + REC_HEADER + key.length;
        }
        if ((keys + 1) * 4 > capacity * 3) {
            grow();
            slot = slotOf(key, hash);
        }
        long rec = heap.allocate(need);
        mem.putLong(rec, expiryMs);
        mem.putInt(rec + 8, key.length);
        mem.putInt(rec + 12, (int) valueLength);
        mem.write(rec + REC_HEADER, key, 0, key.length);
        long s = table + (-slot - 1) * 16;
        mem.putLong(s, hash);
        mem.putLong(s + 8, rec);
        setKeys(keys + 1);
        if (expiryMs != 0) {
            setExpires(expires + 1);
        }
        if (listening()) {
            listener.onKeyChanged(key, true);
        }
        return rec + REC_HEADER + key.length;
    }

    /**
     * Gives the string value of {@code key} (live record {@code rec}) a new length, keeping its
     * first bytes (as many as both lengths have) and its expiry; the bytes it gains are undefined
     * until the caller writes them. Returns the record, which moves to a bigger block when the
     * value outgrows its own (a copy within paged memory, not through the heap). The key counts
     * as changed (its watches are touched), whether or not the length changes.
     */
    long resizeValue(byte[] key, long rec, long newLength) {
        if (newLength > Integer.MAX_VALUE) {
            throw ErrorCode.TOO_LARGE.exception("value of " + newLength + " bytes");
        }
        int oldLength = valueLength(rec);
        long need = REC_HEADER + key.length + newLength;
        if (heap.blockSize(rec) < need) {
            long fresh = heap.allocate(need);
            mem.copy(rec, fresh, REC_HEADER + key.length + Math.min(oldLength, newLength));
            mem.putLong(table + slotOf(key, KeyHash.hash(key)) * 16 + 8, fresh);
            heap.free(rec);
            rec = fresh;
        }
        mem.putInt(rec + 12, (int) newLength);
        if (listening()) {
            listener.onKeyChanged(key, true);
        }
        return rec;
    }

    /** Removes {@code key}; whether it was there (an expired key counts as absent). */
    boolean delete(byte[] key, long nowMs) {
        long slot = slotOf(key, KeyHash.hash(key));
        if (slot < 0) {
            return false;
        }
        long exp = mem.getLong(mem.getLong(table + slot * 16 + 8));
        deleteSlot(slot);
        boolean live = exp == 0 || exp > nowMs;
        if (!live) {
            expiredKeys++;
        }
        return live;
    }

    /**
     * RENAME: moves the live record of {@code from} (its value, object and expiry) to {@code to},
     * deleting what {@code to} held. Both keys must differ and {@code from} must exist.
     */
    void rename(byte[] from, byte[] to, long nowMs) {
        delete(to, nowMs);
        long rec = lookup(from, nowMs);
        int type = type(rec);
        int length = valueLength(rec);
        // Copied within paged memory: a 512 MB string never passes through the Java heap.
        long at = putReserved(to, length, expiry(rec));
        mem.copy(valueAddress(rec), at, length);
        unlink(slotOf(from, KeyHash.hash(from)), false);
        long moved = lookup(to, 0);
        mem.putInt(moved + 8, type << 29 | to.length);
    }

    /**
     * Visits home bucket {@code cursor} (masked by the table's size), handing each live key's
     * record there to {@code visitor}; expired keys met there are deleted, as Redis's SCAN does.
     * Returns the next cursor, 0 when the scan is complete. See the class comment.
     */
    long scanBucket(long cursor, long nowMs, java.util.function.LongConsumer visitor) {
        long home = cursor & mask;
        java.util.List<byte[]> expired = new java.util.ArrayList<>();
        for (long i = home; ; i = (i + 1) & mask) {
            long rec = mem.getLong(table + i * 16 + 8);
            if (rec == 0) {
                break;
            }
            if ((mem.getLong(table + i * 16) & mask) == home) {
                long exp = mem.getLong(rec);
                if (exp != 0 && exp <= nowMs) {
                    expired.add(key(rec));
                } else {
                    visitor.accept(rec);
                }
            }
        }
        for (byte[] k : expired) {
            delete(k, nowMs);
        }
        long v = cursor | ~mask;
        return Long.reverse(Long.reverse(v) + 1);
    }

    /** Every live key's record, in table order (KEYS). */
    void forEach(long nowMs, java.util.function.LongConsumer visitor) {
        for (long i = 0; i < capacity; i++) {
            long rec = mem.getLong(table + i * 16 + 8);
            if (rec != 0 && (mem.getLong(rec) == 0 || mem.getLong(rec) > nowMs)) {
                visitor.accept(rec);
            }
        }
    }

    private void freeObject(long rec) {
        int type = type(rec);
        if (type != STRING) {
            freer.free(type, object(rec));
        }
    }

    private void deleteSlot(long i) {
        unlink(i, true);
    }

    /** Empties slot {@code i}, freeing its record (and, if {@code freeValue}, the object it holds). */
    private void unlink(long i, boolean freeValue) {
        long rec = mem.getLong(table + i * 16 + 8);
        byte[] gone = listening() ? key(rec) : null;
        if (mem.getLong(rec) != 0) {
            setExpires(expires - 1);
        }
        if (freeValue) {
            freeObject(rec);
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
        if (gone != null) {
            listener.onKeyChanged(gone, false);
        }
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
                    expiredKeys++;
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
