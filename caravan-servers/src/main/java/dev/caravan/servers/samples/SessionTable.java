package dev.caravan.servers.samples;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP sample's sessions, laid out in the process's paged memory so that they move with it:
 * at most {@code capacity} sessions, each a counter; when full, a new session takes the slot of
 * the least recently used one.
 *
 * <pre>
 * address 0   magic (8) | version (4) | capacity (4) | used slots (4) | pad (4) | LRU clock (8) | reserved to 64
 * 64 + 32·i   session id high (8) | low (8) | counter (8) | last use, LRU clock value (8)     slot i &lt; used slots
 * </pre>
 *
 * Slots fill in order and are never freed, only reused by eviction. The Java index (id → slot,
 * in LRU order) caches what memory holds: {@link #attach} rebuilds it from the slots, ordered
 * by their last use. Threading: the process thread only.
 */
final class SessionTable {
    static final long MAGIC = 0x4341_5241_5648_5450L; // "CARAVHTP"
    static final int VERSION = 1;
    static final int HEADER_BYTES = 64;
    static final int SLOT_BYTES = 32;
    /** Most sessions a table may be formatted for. */
    static final int MAX_CAPACITY = 1 << 20;

    private final PagedMemory memory;
    private final int capacity;
    private final LinkedHashMap<SessionId, Integer> index = new LinkedHashMap<>(16, 0.75f, true);
    private int used;
    private long clock;

    private SessionTable(PagedMemory memory, int capacity) {
        this.memory = memory;
        this.capacity = capacity;
    }

    /** A fresh, empty table for {@code capacity} sessions at the start of {@code memory}. */
    static SessionTable format(PagedMemory memory, int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw ErrorCode.INVALID_ARGUMENT.exception("session capacity must be 1.." + MAX_CAPACITY + ", not " + capacity);
        }
        long bytes = HEADER_BYTES + (long) SLOT_BYTES * capacity;
        if (bytes > memory.capacityBytes()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(capacity + " sessions need " + bytes + " bytes of memory; the process has "
                    + memory.capacityBytes() + ": deploy it with more memory or fewer sessions");
        }
        memory.putLong(0, MAGIC);
        memory.putInt(8, VERSION);
        memory.putInt(12, capacity);
        memory.putInt(16, 0);
        memory.putLong(24, 0);
        return new SessionTable(memory, capacity);
    }

    /** The table {@link #format} laid out in {@code memory} (after a migration or restore). */
    static SessionTable attach(PagedMemory memory) {
        if (memory.getLong(0) != MAGIC || memory.getInt(8) != VERSION) {
            throw ErrorCode.MALFORMED.exception("the memory holds no HTTP sample session table of version " + VERSION);
        }
        SessionTable t = new SessionTable(memory, memory.getInt(12));
        t.used = memory.getInt(16);
        t.clock = memory.getLong(24);
        if (t.capacity < 1 || t.capacity > MAX_CAPACITY || t.used < 0 || t.used > t.capacity) {
            throw ErrorCode.MALFORMED.exception("HTTP sample session table header is corrupt");
        }
        List<Integer> slots = new ArrayList<>(t.used);
        for (int i = 0; i < t.used; i++) {
            slots.add(i);
        }
        slots.sort(Comparator.comparingLong(t::lastUse));
        for (int slot : slots) {
            t.index.put(new SessionId(memory.getLong(t.address(slot)), memory.getLong(t.address(slot) + 8)), slot);
        }
        return t;
    }

    /** Counts one more request of session {@code id} (made, or taking the LRU one's slot, when unknown); returns its count. */
    long increment(SessionId id) {
        Integer slot = index.get(id);
        long count;
        if (slot != null) {
            count = memory.getLong(address(slot) + 16) + 1;
        } else {
            slot = freeSlot();
            long a = address(slot);
            memory.putLong(a, id.high());
            memory.putLong(a + 8, id.low());
            index.put(id, slot);
            count = 1;
        }
        memory.putLong(address(slot) + 16, count);
        memory.putLong(address(slot) + 24, tick());
        return count;
    }

    /** The count of session {@code id}; 0 when it is unknown (never seen, or evicted). Does not count as a use. */
    long count(SessionId id) {
        // Read from the slots, not the index: an index lookup would reorder it (an access-ordered map).
        for (int slot = 0; slot < used; slot++) {
            long a = address(slot);
            if (memory.getLong(a) == id.high() && memory.getLong(a + 8) == id.low() && index.containsKey(id)) {
                return memory.getLong(a + 16);
            }
        }
        return 0;
    }

    boolean contains(SessionId id) {
        return index.containsKey(id);
    }

    int size() {
        return index.size();
    }

    int capacity() {
        return capacity;
    }

    private int freeSlot() {
        if (used < capacity) {
            memory.putInt(16, used + 1);
            return used++;
        }
        Iterator<Map.Entry<SessionId, Integer>> eldest = index.entrySet().iterator();
        int slot = eldest.next().getValue();
        eldest.remove();
        return slot;
    }

    private long tick() {
        memory.putLong(24, ++clock);
        return clock;
    }

    private long lastUse(int slot) {
        return memory.getLong(address(slot) + 24);
    }

    private long address(int slot) {
        return HEADER_BYTES + (long) SLOT_BYTES * slot;
    }
}
