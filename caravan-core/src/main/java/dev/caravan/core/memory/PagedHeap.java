package dev.caravan.core.memory;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

/**
 * A memory allocator whose every byte of metadata lives inside a {@link PagedMemory}, so that
 * copying the pages elsewhere (migration, clone, checkpoint) copies the heap: {@link #attach}
 * on the copy sees the same blocks, free lists and roots.
 *
 * <pre>
 * address 0: header ({@value #HEADER_BYTES} bytes, all fields little-endian longs)
 *   +0 magic "CRVNHEAP"   +8 format version   +16 bump pointer   +24 bytes in use
 *   +32 .. +63  four root slots (addresses the heap's user finds its data by)
 *   +64 ..      free-list head per size class (0 = empty)
 * then blocks:  [ 8-byte block header: magic&lt;&lt;32 | allocated&lt;&lt;8 | class ][ payload … ]
 * </pre>
 *
 * <p>Payloads are 8-aligned and at least the requested size (see {@link SizeClasses}: 16 bytes
 * to 1 GiB, four classes per power of two). Freed blocks go onto their class's free list,
 * linked through their first payload word; an allocation takes from its class's list, else
 * from the bump pointer, else from the list of a larger class. Blocks are not split or
 * coalesced. Memory handed out is not zeroed (see {@link #allocateZeroed}).
 *
 * <p>Threading: single writer, like the memory: the process thread only.
 */
public final class PagedHeap {
    static final long MAGIC = 0x5041_4548_4E56_5243L; // "CRVNHEAP" read little-endian
    static final long VERSION = 1;
    static final int HEADER_BYTES = 64 + SizeClasses.COUNT * 8 + 32;
    /** Number of root slots. */
    public static final int ROOTS = 4;
    private static final long BLOCK_MAGIC = 0xCA7A_B10CL;
    private static final long OFF_BUMP = 16;
    private static final long OFF_USED = 24;
    private static final long OFF_ROOTS = 32;
    private static final long OFF_FREE = 64;
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final PagedMemory memory;

    private PagedHeap(PagedMemory memory) {
        this.memory = memory;
    }

    /** Writes an empty heap over {@code memory} (whatever it held is forgotten). */
    public static PagedHeap format(PagedMemory memory) {
        if (memory.capacityBytes() < HEADER_BYTES * 2L) {
            throw ErrorCode.TOO_LARGE.exception("memory of " + memory.capacityBytes() + " bytes is too small for a heap");
        }
        memory.write(0, new byte[HEADER_BYTES], 0, HEADER_BYTES);
        memory.putLong(0, MAGIC);
        memory.putLong(8, VERSION);
        memory.putLong(OFF_BUMP, HEADER_BYTES);
        return new PagedHeap(memory);
    }

    /**
     * Attaches to the heap already in {@code memory}.
     *
     * @throws CaravanException MALFORMED when address 0 holds no heap of this format version
     */
    public static PagedHeap attach(PagedMemory memory) {
        if (memory.getLong(0) != MAGIC) {
            throw ErrorCode.MALFORMED.exception("no paged heap in this memory (bad magic)");
        }
        long version = memory.getLong(8);
        if (version != VERSION) {
            throw ErrorCode.MALFORMED.exception("paged heap format version " + version + ", this build reads " + VERSION);
        }
        long bump = memory.getLong(OFF_BUMP);
        if (bump < HEADER_BYTES || bump > memory.capacityBytes()) {
            throw ErrorCode.MALFORMED.exception("paged heap bump pointer " + bump + " is out of range");
        }
        return new PagedHeap(memory);
    }

    /** The memory this heap lives in. */
    public PagedMemory memory() {
        return memory;
    }

    /**
     * An 8-aligned block of at least {@code bytes} bytes (contents undefined).
     *
     * @throws CaravanException TOO_LARGE when the request is over 1 GiB or memory is exhausted
     */
    public long allocate(long bytes) {
        int c = SizeClasses.of(Math.max(bytes, 1));
        if (bytes < 0 || c < 0) {
            throw ErrorCode.TOO_LARGE.exception("cannot allocate " + bytes + " bytes (at most "
                    + SizeClasses.MAX_BLOCK_BYTES + ")");
        }
        long block = popFree(c);
        if (block == 0) {
            block = bump(c);
        }
        for (int larger = c + 1; block == 0 && larger < SizeClasses.COUNT; larger++) {
            block = popFree(larger);
            c = larger;
        }
        if (block == 0) {
            throw ErrorCode.TOO_LARGE.exception("paged heap exhausted: cannot allocate " + bytes + " bytes; "
                    + usedBytes() + " of " + memory.capacityBytes() + " in use");
        }
        memory.putLong(block, BLOCK_MAGIC << 32 | 1L << 8 | c);
        memory.putLong(OFF_USED, usedBytes() + 8 + SizeClasses.size(c));
        return block + 8;
    }

    /** {@link #allocate} then zero-fill. */
    public long allocateZeroed(long bytes) {
        long address = allocate(bytes);
        zero(address, bytes);
        return address;
    }

    /** Writes {@code bytes} zero bytes at {@code address}. */
    public void zero(long address, long bytes) {
        while (bytes > 0) {
            int n = (int) Math.min(bytes, ZEROS.length);
            memory.write(address, ZEROS, 0, n);
            address += n;
            bytes -= n;
        }
    }

    /**
     * Returns a block to the heap.
     *
     * @throws CaravanException INVALID_ARGUMENT if {@code address} is not an allocated block
     */
    public void free(long address) {
        int c = classOf(address);
        long block = address - 8;
        memory.putLong(block, BLOCK_MAGIC << 32 | c);
        long head = OFF_FREE + 8L * c;
        memory.putLong(address, memory.getLong(head));
        memory.putLong(head, block);
        memory.putLong(OFF_USED, usedBytes() - 8 - SizeClasses.size(c));
    }

    /** Usable bytes of the allocated block at {@code address} (≥ what was asked). */
    public long blockSize(long address) {
        return SizeClasses.size(classOf(address));
    }

    /** Bytes in allocated blocks, their 8-byte headers included. */
    public long usedBytes() {
        return memory.getLong(OFF_USED);
    }

    /** Bytes ever taken from the memory (the bump pointer): an upper bound of the footprint. */
    public long reservedBytes() {
        return memory.getLong(OFF_BUMP);
    }

    /** Root slot {@code i} (0 until set): where the heap's user keeps its top-level address. */
    public long root(int i) {
        return memory.getLong(OFF_ROOTS + 8L * checkRoot(i));
    }

    public void setRoot(int i, long address) {
        memory.putLong(OFF_ROOTS + 8L * checkRoot(i), address);
    }

    private static int checkRoot(int i) {
        if (i < 0 || i >= ROOTS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("root slot " + i + " outside 0.." + (ROOTS - 1));
        }
        return i;
    }

    private int classOf(long address) {
        if (address < HEADER_BYTES + 8 || (address & 7) != 0 || address >= memory.getLong(OFF_BUMP)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("address " + address + " is not a heap block");
        }
        long h = memory.getLong(address - 8);
        int c = (int) (h & 0xFF);
        if (h >>> 32 != BLOCK_MAGIC || (h >>> 8 & 0xFF) != 1 || c >= SizeClasses.COUNT) {
            throw ErrorCode.INVALID_ARGUMENT.exception("address " + address + " is not an allocated block");
        }
        return c;
    }

    private long popFree(int c) {
        long head = OFF_FREE + 8L * c;
        long block = memory.getLong(head);
        if (block != 0) {
            memory.putLong(head, memory.getLong(block + 8));
        }
        return block;
    }

    private long bump(int c) {
        long bump = memory.getLong(OFF_BUMP);
        long end = bump + 8 + SizeClasses.size(c);
        if (end > memory.capacityBytes()) {
            return 0;
        }
        memory.putLong(OFF_BUMP, end);
        return bump;
    }
}
