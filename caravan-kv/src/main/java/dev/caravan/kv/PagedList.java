package dev.caravan.kv;

import dev.caravan.core.memory.PagedHeap;
import dev.caravan.core.memory.PagedMemory;

import java.util.ArrayList;
import java.util.List;

/**
 * A list value laid out in a {@link PagedHeap}, as Redis's quicklist: a doubly linked chain of
 * nodes, each packing up to {@value #NODE_PAYLOAD_BYTES} bytes of entries (a larger entry
 * gets a node of its own). Pushes and pops at either end touch one node; an index walks the
 * chain from the nearer end, node by node, then within one node.
 *
 * <pre>
 * list header (32 bytes): +0 first node  +8 last node  +16 elements  +24 nodes
 * node:  +0 previous node  +8 next node  +16 entries (int)  +20 payload bytes (int)
 *        +24 payload: entry, entry, …   where an entry is its 4-byte length, its bytes, and its length
 *            again (both unaligned): the trailing length (a listpack's "backlen") finds the last
 *            entry without walking the node, so a pop at the tail is O(1)
 * </pre>
 *
 * <p>A node is never empty: the one that would be is unlinked and freed, and the caller
 * deletes a list that has no elements left. Process thread only.
 */
final class PagedList {
    static final int NODE_PAYLOAD_BYTES = 8 * 1024;
    private static final int NODE_HEADER = 24;
    /** An entry's bytes besides its value: the length before it and after it. */
    private static final int ENTRY_OVERHEAD = 8;
    private static final int MIN_NODE_BYTES = 128;

    private final PagedHeap heap;
    private final PagedMemory mem;
    /** One node's payload, copied out in one read (process thread only, like the whole class). */
    private final byte[] scratch = new byte[NODE_PAYLOAD_BYTES];
    /** Changes made so far (pushes, pops, node rewrites): WATCH's sign that a command wrote. */
    private long mutations;

    PagedList(PagedHeap heap) {
        this.heap = heap;
        this.mem = heap.memory();
    }

    long create() {
        return heap.allocateZeroed(32);
    }

    void free(long l) {
        for (long n = mem.getLong(l); n != 0; ) {
            long next = mem.getLong(n + 8);
            heap.free(n);
            n = next;
        }
        heap.free(l);
    }

    long length(long l) {
        return mem.getLong(l + 16);
    }

    /** Changes made by this instance so far; see {@link DataTypes#mutations()}. */
    long mutations() {
        return mutations;
    }

    /** LPUSH ({@code head}) or RPUSH one value. */
    void push(long l, byte[] value, boolean head) {
        mutations++;
        long n = mem.getLong(head ? l : l + 8);
        int add = ENTRY_OVERHEAD + value.length;
        if (n == 0 || payload(n) + add > NODE_PAYLOAD_BYTES) {
            n = newNode(l, add, head ? 0 : mem.getLong(l + 8), head ? mem.getLong(l) : 0);
        } else if (heap.blockSize(n) < NODE_HEADER + payload(n) + add) {
            n = resize(l, n, NODE_HEADER + payload(n) + add);
        }
        int used = payload(n);
        if (head && used > 0) {
            // Shift the node's entries up in place, as a listpack's memmove.
            mem.move(n + NODE_HEADER, n + NODE_HEADER + add, used);
        }
        writeEntry(n + NODE_HEADER + (head ? 0 : used), value);
        mem.putInt(n + 16, mem.getInt(n + 16) + 1);
        mem.putInt(n + 20, used + add);
        mem.putLong(l + 16, length(l) + 1);
    }

    /**
     * LPOP ({@code head}) or RPOP one value; null when empty. Touches one node: at the tail, only
     * the entry (found by its trailing length); at the head, the entry and one move of the rest
     * in place (as a listpack's memmove).
     */
    byte[] pop(long l, boolean head) {
        long n = mem.getLong(head ? l : l + 8);
        if (n == 0) {
            return null;
        }
        mutations++;
        int count = mem.getInt(n + 16);
        int used = payload(n);
        long start = n + NODE_HEADER;
        int len = Unaligned.getInt(mem, head ? start : start + used - 4);
        long at = head ? start : start + used - ENTRY_OVERHEAD - len;
        byte[] v = new byte[len];
        mem.read(at + 4, v, 0, len);
        if (count == 1) {
            rewrite(l, n, List.of());
            return v;
        }
        int rest = used - ENTRY_OVERHEAD - len;
        if (head) {
            mem.move(start + ENTRY_OVERHEAD + len, start, rest);
        }
        mem.putInt(n + 16, count - 1);
        mem.putInt(n + 20, rest);
        mem.putLong(l + 16, length(l) - 1);
        return v;
    }

    /** Writes one entry (length, bytes, length) at {@code at}. */
    private void writeEntry(long at, byte[] value) {
        Unaligned.putInt(mem, at, value.length);
        mem.write(at + 4, value, 0, value.length);
        Unaligned.putInt(mem, at + 4 + value.length, value.length);
    }

    /** A little-endian int in a payload copy (entries' lengths are unaligned). */
    private static int intAt(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    /**
     * A buffer for one node's payload, at least {@code bytes} long: the reusable one for a node
     * of packed entries, a fresh one (not kept) for a node holding one large entry.
     */
    private byte[] scratch(int bytes) {
        return bytes <= scratch.length ? scratch : new byte[bytes];
    }

    /** The value at 0-based {@code index} (in range). */
    byte[] get(long l, long index) {
        long[] at = locate(l, index);
        return decode(at[0]).get((int) at[1]);
    }

    /** LSET at 0-based {@code index} (in range). */
    void set(long l, long index, byte[] value) {
        long[] at = locate(l, index);
        List<byte[]> items = decode(at[0]);
        items.set((int) at[1], value);
        rewrite(l, at[0], items);
    }

    /** Values {@code start..stop} inclusive (0-based, in range, start ≤ stop). */
    List<byte[]> range(long l, long start, long stop) {
        long want = stop - start + 1;
        List<byte[]> out = new ArrayList<>((int) Math.min(want, 1 << 16));
        long[] at = locate(l, start);
        long n = at[0];
        int skip = (int) at[1];
        while (out.size() < want) {
            int count = mem.getInt(n + 16);
            int used = payload(n);
            byte[] p = scratch(used);
            mem.read(n + NODE_HEADER, p, 0, used);
            int off = 0;
            for (int i = 0; i < count && out.size() < want; i++) {
                int len = intAt(p, off);
                if (i >= skip) {
                    out.add(java.util.Arrays.copyOfRange(p, off + 4, off + 4 + len));
                }
                off += ENTRY_OVERHEAD + len;
            }
            n = mem.getLong(n + 8);
            skip = 0;
        }
        return out;
    }

    /** LTRIM: keeps {@code start..stop} (0-based, in range, start ≤ stop). */
    void trim(long l, long start, long stop) {
        long index = 0;
        for (long n = mem.getLong(l); n != 0; ) {
            long next = mem.getLong(n + 8);
            int count = mem.getInt(n + 16);
            if (index + count <= start || index > stop) {
                rewrite(l, n, List.of());
            } else if (index < start || index + count - 1 > stop) {
                List<byte[]> items = decode(n);
                int from = (int) Math.max(0, start - index);
                int to = (int) Math.min(count, stop - index + 1);
                rewrite(l, n, new ArrayList<>(items.subList(from, to)));
            }
            index += count;
            n = next;
        }
    }

    /**
     * LREM: removes up to |count| values equal to {@code value} (all if 0; from the tail if
     * negative). Entries are compared in place; only nodes holding a match are rewritten.
     */
    long remove(long l, long count, byte[] value) {
        long removed = 0;
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        boolean fromTail = count < 0;
        for (long n = mem.getLong(fromTail ? l + 8 : l); n != 0 && removed < limit; ) {
            long next = mem.getLong(fromTail ? n : n + 8);
            List<Integer> matches = matches(n, value);
            if (!matches.isEmpty()) {
                List<byte[]> items = decode(n);
                for (int k = 0; k < matches.size() && removed < limit; k++) {
                    int i = fromTail ? matches.get(matches.size() - 1 - k) : matches.get(k) - k;
                    items.remove(i);
                    removed++;
                }
                rewrite(l, n, items);
            }
            n = next;
        }
        return removed;
    }

    /**
     * LINSERT: puts {@code value} before (or, if {@code after}, after) the first entry equal
     * to {@code pivot}, from the head; whether the pivot was found. A node that grows past
     * {@value #NODE_PAYLOAD_BYTES} payload bytes is split in two.
     */
    boolean insert(long l, byte[] pivot, byte[] value, boolean after) {
        for (long n = mem.getLong(l); n != 0; n = mem.getLong(n + 8)) {
            List<Integer> matches = matches(n, pivot);
            if (!matches.isEmpty()) {
                List<byte[]> items = decode(n);
                items.add(matches.get(0) + (after ? 1 : 0), value);
                int bytes = 0;
                for (byte[] v : items) {
                    bytes += ENTRY_OVERHEAD + v.length;
                }
                if (bytes > NODE_PAYLOAD_BYTES && items.size() > 1) {
                    int half = items.size() / 2;
                    List<byte[]> tail = new ArrayList<>(items.subList(half, items.size()));
                    int tailBytes = 0;
                    for (byte[] v : tail) {
                        tailBytes += ENTRY_OVERHEAD + v.length;
                    }
                    // The first half may hold the new value and outgrow its block: link the tail to where it is now.
                    long kept = rewrite(l, n, new ArrayList<>(items.subList(0, half)));
                    rewrite(l, newNode(l, tailBytes, kept, mem.getLong(kept + 8)), tail);
                } else {
                    rewrite(l, n, items);
                }
                return true;
            }
        }
        return false;
    }

    /**
     * LPOS: the 0-based indices (from the head) of entries equal to {@code value}, scanning from
     * the head or, if {@code fromTail}, from the tail; skipping the first {@code rank - 1}
     * matches, stopping after {@code count} reported (0 = all) or {@code maxLen} entries
     * compared (0 = all). Entries are compared in place.
     */
    List<Long> positions(long l, byte[] value, long rank, long count, long maxLen, boolean fromTail) {
        List<Long> out = new ArrayList<>();
        long len = length(l);
        long seen = 0;
        long matched = 0;
        for (long n = mem.getLong(fromTail ? l + 8 : l); n != 0; n = mem.getLong(fromTail ? n : n + 8)) {
            int entries = mem.getInt(n + 16);
            long[] offsets = new long[entries];
            long at = n + NODE_HEADER;
            for (int i = 0; i < entries; i++) {
                offsets[i] = at;
                at += ENTRY_OVERHEAD + Unaligned.getInt(mem, at);
            }
            for (int k = 0; k < entries; k++) {
                if (maxLen != 0 && seen >= maxLen) {
                    return out;
                }
                long e = offsets[fromTail ? entries - 1 - k : k];
                int elen = Unaligned.getInt(mem, e);
                if (elen == value.length && mem.equalsBytes(e + 4, value, 0, elen) && ++matched >= rank) {
                    out.add(fromTail ? len - 1 - seen : seen);
                    if (count != 0 && out.size() >= count) {
                        return out;
                    }
                }
                seen++;
            }
        }
        return out;
    }

    /** Indices of the entries of node {@code n} equal to {@code value}, ascending. */
    private List<Integer> matches(long n, byte[] value) {
        List<Integer> out = new ArrayList<>();
        int count = mem.getInt(n + 16);
        long at = n + NODE_HEADER;
        for (int i = 0; i < count; i++) {
            int len = Unaligned.getInt(mem, at);
            if (len == value.length && mem.equalsBytes(at + 4, value, 0, len)) {
                out.add(i);
            }
            at += ENTRY_OVERHEAD + len;
        }
        return out;
    }

    private int payload(long n) {
        return mem.getInt(n + 20);
    }

    /** {node, index within it} of the 0-based {@code index}, walking from the nearer end. */
    private long[] locate(long l, long index) {
        long len = length(l);
        if (index < len / 2) {
            long n = mem.getLong(l);
            while (index >= mem.getInt(n + 16)) {
                index -= mem.getInt(n + 16);
                n = mem.getLong(n + 8);
            }
            return new long[] {n, index};
        }
        long fromEnd = len - 1 - index;
        long n = mem.getLong(l + 8);
        while (fromEnd >= mem.getInt(n + 16)) {
            fromEnd -= mem.getInt(n + 16);
            n = mem.getLong(n);
        }
        return new long[] {n, mem.getInt(n + 16) - 1 - fromEnd};
    }

    private List<byte[]> decode(long n) {
        int count = mem.getInt(n + 16);
        int used = payload(n);
        byte[] p = scratch(used);
        mem.read(n + NODE_HEADER, p, 0, used);
        List<byte[]> items = new ArrayList<>(count + 1);
        int off = 0;
        for (int i = 0; i < count; i++) {
            int len = intAt(p, off);
            items.add(java.util.Arrays.copyOfRange(p, off + 4, off + 4 + len));
            off += ENTRY_OVERHEAD + len;
        }
        return items;
    }

    /**
     * Replaces node {@code n}'s entries with {@code items}, unlinking and freeing it when there
     * are none; returns where the node is now (it moves when the items outgrow its block), or 0.
     */
    private long rewrite(long l, long n, List<byte[]> items) {
        mutations++;
        long delta = items.size() - mem.getInt(n + 16);
        mem.putLong(l + 16, length(l) + delta);
        if (items.isEmpty()) {
            long prev = mem.getLong(n);
            long next = mem.getLong(n + 8);
            mem.putLong(prev == 0 ? l : prev + 8, next);
            mem.putLong(next == 0 ? l + 8 : next, prev);
            mem.putLong(l + 24, mem.getLong(l + 24) - 1);
            heap.free(n);
            return 0;
        }
        int bytes = 0;
        for (byte[] v : items) {
            bytes += ENTRY_OVERHEAD + v.length;
        }
        if (heap.blockSize(n) < NODE_HEADER + bytes) {
            n = resize(l, n, NODE_HEADER + bytes);
        }
        long at = n + NODE_HEADER;
        for (byte[] v : items) {
            writeEntry(at, v);
            at += ENTRY_OVERHEAD + v.length;
        }
        mem.putInt(n + 16, items.size());
        mem.putInt(n + 20, bytes);
        return n;
    }

    private long newNode(long l, int payloadBytes, long prev, long next) {
        long n = heap.allocate(Math.max(MIN_NODE_BYTES, NODE_HEADER + payloadBytes));
        mem.putLong(n, prev);
        mem.putLong(n + 8, next);
        mem.putInt(n + 16, 0);
        mem.putInt(n + 20, 0);
        mem.putLong(prev == 0 ? l : prev + 8, n);
        mem.putLong(next == 0 ? l + 8 : next, n);
        mem.putLong(l + 24, mem.getLong(l + 24) + 1);
        return n;
    }

    /** Moves node {@code n} to a block of at least {@code bytes} (doubling, to amortize growth). */
    private long resize(long l, long n, long bytes) {
        long size = Math.max(bytes, Math.min(2 * heap.blockSize(n), NODE_HEADER + NODE_PAYLOAD_BYTES));
        long fresh = heap.allocate(size);
        int used = NODE_HEADER + payload(n);
        byte[] copy = new byte[used];
        mem.read(n, copy, 0, used);
        mem.write(fresh, copy, 0, used);
        long prev = mem.getLong(n);
        long next = mem.getLong(n + 8);
        mem.putLong(prev == 0 ? l : prev + 8, fresh);
        mem.putLong(next == 0 ? l + 8 : next, fresh);
        heap.free(n);
        return fresh;
    }
}
