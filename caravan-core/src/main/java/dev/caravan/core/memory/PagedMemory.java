package dev.caravan.core.memory;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A process's data segment: a flat, byte-addressed space of fixed-size pages held off the
 * Java heap, with a dirty bit per page set by every write. Live migration reads it page by
 * page and resends the pages dirtied since the last round.
 *
 * <pre>
 *  address:  0                 chunkBytes          2·chunkBytes
 *            | page | page | … | page | page | … | …           (pages are pageSizeBytes)
 *            '---- chunk 0 ----'---- chunk 1 ----'
 * </pre>
 *
 * <p>Memory is reserved up to {@code capacityBytes} but allocated (zero-filled) a chunk at a
 * time on first write, so an empty process costs almost nothing and a process holding a
 * gigabyte costs a gigabyte off-heap and no more heap than an empty one. Chunks come from a
 * {@link ChunkPool}: on a node, the node's pool, so that an arriving process reuses memory a
 * departed one already faulted in; otherwise a private pool that keeps nothing. What taking
 * them cost is in {@link #allocationStats}.
 *
 * <p>Every method that takes an address or a page checks it against the capacity before it
 * touches anything and throws {@code INVALID_ARGUMENT} when it is out of range.
 *
 * <p>Threading: one writer, the process's own thread, does every write and every
 * dirty-bit operation ({@link #takeDirtyPages}, {@link #clearDirty}). Other threads may call
 * {@link #readPage} concurrently; such a read can see a page mid-update, which is why a
 * migration resends every page dirtied after it was read. {@link #close} must come last:
 * it hands the chunks back to the pool, so a thread still holding a {@link #pageBuffer} view
 * afterwards would reach another process's memory. Accesses through this object after close
 * fail.
 *
 * <p>Values wider than a byte are stored little-endian and must not cross a chunk boundary;
 * callers that lay out 8-byte fields at 8-aligned addresses never do.
 *
 * <h2>Missing pages (post-copy)</h2>
 * After {@link #expectPages} some pages are <em>missing</em>: they exist at the migration
 * source but have not arrived. An access to a missing page blocks the accessing thread (the
 * process thread) while that page alone is fetched from the {@link PageSource}; meanwhile
 * another thread may {@link #deliverPage deliver} pages pushed in the background. Each page is
 * installed exactly once, by whichever comes first; the other waits for it.
 */
public final class PagedMemory implements AutoCloseable {
    public static final int DEFAULT_PAGE_SIZE_BYTES = 4096;
    /** Pages allocated together: amortizes allocation without giving up page-level tracking. */
    public static final int PAGES_PER_CHUNK = 256;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    private final int pageSizeBytes;
    private final int pageShift;
    private final int chunkShift;
    private final long chunkMask;
    private final long capacityBytes;
    private final ChunkTable table;
    /** The table's segments, read directly on the hot path. */
    private final MemorySegment[] chunks;
    private final long[] dirty;
    private long dirtyCount;
    /** Clean pages made dirty since the memory was created; never reset (the dirty-page rate's counter). */
    private long pagesDirtied;
    /** Read by every access: true while pages are missing and after close (both rare), so the common case costs one volatile read. */
    private volatile boolean slowPath;
    private AtomicLongArray missing;
    private final AtomicLong missingCount = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> installing = new ConcurrentHashMap<>();
    private volatile PageSource pageSource;

    /** Fetches one page that has not arrived yet; blocks; throws a CaravanException if it cannot. */
    @FunctionalInterface
    public interface PageSource {
        byte[] fetch(long page);
    }

    /** Writes a whole chunk in place: fills {@code chunk} from its position to its limit. */
    @FunctionalInterface
    public interface ChunkFill {
        void fill(ByteBuffer chunk) throws IOException;
    }

    /**
     * A memory with a private pool that keeps nothing: chunks are freed on close.
     *
     * @param capacityBytes the largest address + 1; rounded up to whole chunks
     * @param pageSizeBytes a power of two between 512 and 1 MiB
     */
    public PagedMemory(long capacityBytes, int pageSizeBytes) {
        this(capacityBytes, pageSizeBytes, ChunkPool.unpooled(checkPageSize(pageSizeBytes)));
    }

    /**
     * A memory that takes its chunks from {@code pool} and hands them back on close.
     *
     * @param capacityBytes the largest address + 1; rounded up to whole chunks
     * @param pageSizeBytes a power of two between 512 and 1 MiB, the pool's page size
     */
    public PagedMemory(long capacityBytes, int pageSizeBytes, ChunkPool pool) {
        checkPageSize(pageSizeBytes);
        if (pool.pageSizeBytes() != pageSizeBytes) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a pool of " + pool.pageSizeBytes() + "-byte pages cannot serve "
                    + pageSizeBytes + "-byte pages");
        }
        long chunkBytes = (long) pageSizeBytes * PAGES_PER_CHUNK;
        long chunkCount = (capacityBytes + chunkBytes - 1) / chunkBytes;
        if (capacityBytes <= 0 || chunkCount > Integer.MAX_VALUE / PAGES_PER_CHUNK) {
            throw ErrorCode.INVALID_ARGUMENT.exception("capacity " + capacityBytes + " bytes is out of range");
        }
        this.pageSizeBytes = pageSizeBytes;
        this.pageShift = Integer.numberOfTrailingZeros(pageSizeBytes);
        this.chunkShift = pageShift + Integer.numberOfTrailingZeros(PAGES_PER_CHUNK);
        this.chunkMask = chunkBytes - 1;
        this.capacityBytes = chunkCount * chunkBytes;
        this.table = new ChunkTable(pool, (int) chunkCount);
        this.chunks = table.segments;
        this.dirty = new long[(int) ((chunkCount * PAGES_PER_CHUNK + 63) / 64)];
    }

    static int checkPageSize(int pageSizeBytes) {
        if (Integer.bitCount(pageSizeBytes) != 1 || pageSizeBytes < 512 || pageSizeBytes > (1 << 20)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("page size must be a power of two in 512..1048576, got " + pageSizeBytes);
        }
        return pageSizeBytes;
    }

    public int pageSizeBytes() {
        return pageSizeBytes;
    }

    public long capacityBytes() {
        return capacityBytes;
    }

    /** Pages addressable: capacity ÷ page size. */
    public long pageCapacity() {
        return capacityBytes >>> pageShift;
    }

    /** Chunks addressable; chunk {@code c} holds pages {@code c·PAGES_PER_CHUNK} and up. */
    public int chunkCount() {
        return chunks.length;
    }

    /** What taking this memory's chunks cost so far. Any thread. */
    public AllocationStats allocationStats() {
        return table.stats();
    }

    /** Pages backed by memory (touched chunks × pages per chunk). */
    public long allocatedPages() {
        return (long) table.allocatedCount() * PAGES_PER_CHUNK;
    }

    /** Off-heap bytes held. */
    public long allocatedBytes() {
        return allocatedPages() << pageShift;
    }

    /** Every page of every allocated chunk, as a bitmap (bit p of word p/64): what a copy must send. */
    public long[] allocatedPageBitmap() {
        long[] bits = new long[dirty.length];
        int wordsPerChunk = PAGES_PER_CHUNK / 64;
        for (int c = 0; c < chunks.length; c++) {
            if (chunks[c] != null) {
                java.util.Arrays.fill(bits, c * wordsPerChunk, (c + 1) * wordsPerChunk, -1L);
            }
        }
        return bits;
    }

    /** A bit per chunk (bit c of word c/64) for every allocated chunk: a compact {@link #allocatedPageBitmap}. */
    public long[] allocatedChunkBitmap() {
        long[] bits = new long[(chunks.length + 63) / 64];
        for (int c = 0; c < chunks.length; c++) {
            if (chunks[c] != null) {
                bits[c >>> 6] |= 1L << c;
            }
        }
        return bits;
    }

    /**
     * Allocates every chunk set in {@code chunkBits} (as {@link #allocatedChunkBitmap} gives them):
     * the zero-filling touches the memory, so pages arriving later do not wait for the OS to
     * fault it in. Before the process runs only.
     */
    public void preallocate(long[] chunkBits) {
        for (int w = 0; w < chunkBits.length; w++) {
            long word = chunkBits[w];
            while (word != 0) {
                int c = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
                if (c < chunks.length && chunks[c] == null) {
                    table.allocate(c);
                }
            }
        }
    }

    /** Whether {@code page} is backed by memory. */
    public boolean isAllocated(long page) {
        checkPage(page);
        return chunks[(int) (page >>> (chunkShift - pageShift))] != null;
    }

    private void checkRange(long address, long len) {
        if (address < 0 || len < 0 || address > capacityBytes - len) {
            throw ErrorCode.INVALID_ARGUMENT.exception("address " + address + "+" + len + " is outside the "
                    + capacityBytes + "-byte memory");
        }
    }

    /** A value wider than a byte must lie within one chunk (see the class comment). */
    private void checkValue(long address, int len) {
        checkRange(address, len);
        if ((address & chunkMask) + len > chunkMask + 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a " + len + "-byte value at " + address + " crosses a chunk boundary");
        }
    }

    private static void checkArray(byte[] array, int off, int len) {
        if (off < 0 || len < 0 || off > array.length - len) {
            throw ErrorCode.INVALID_ARGUMENT.exception("range " + off + "+" + len + " is outside a " + array.length
                    + "-byte array");
        }
    }

    private void checkPage(long page) {
        if (page < 0 || page >= pageCapacity()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("page " + page + " is outside this memory of " + pageCapacity()
                    + " pages");
        }
    }

    /** The chunk under an already checked range lying in one chunk, allocated (zeroed) if needed. */
    private MemorySegment chunkForWrite(long address, long len) {
        if (slowPath) {
            beforeAccess(address, len);
        }
        int c = (int) (address >>> chunkShift);
        MemorySegment s = chunks[c];
        return s != null ? s : table.allocate(c);
    }

    /** The chunk under an already checked range lying in one chunk; null if never allocated (reads as zeros). */
    private MemorySegment chunkForRead(long address, long len) {
        if (slowPath) {
            beforeAccess(address, len);
        }
        return chunks[(int) (address >>> chunkShift)];
    }

    private void beforeAccess(long address, long len) {
        if (table.isClosed()) {
            throw ChunkTable.closedException();
        }
        faultIn(address, len);
    }

    private void markDirty(long address, long len) {
        if (len == 0) {
            return;
        }
        long first = address >>> pageShift;
        long last = (address + len - 1) >>> pageShift;
        for (long p = first; p <= last; p++) {
            int word = (int) (p >>> 6);
            long bit = 1L << p;
            if ((dirty[word] & bit) == 0) {
                dirty[word] |= bit;
                dirtyCount++;
                pagesDirtied++;
            }
        }
    }

    public long getLong(long address) {
        checkValue(address, 8);
        MemorySegment s = chunkForRead(address, 8);
        return s == null ? 0 : s.get(LONG, address & chunkMask);
    }

    public void putLong(long address, long value) {
        checkValue(address, 8);
        chunkForWrite(address, 8).set(LONG, address & chunkMask, value);
        markDirty(address, 8);
    }

    public int getInt(long address) {
        checkValue(address, 4);
        MemorySegment s = chunkForRead(address, 4);
        return s == null ? 0 : s.get(INT, address & chunkMask);
    }

    public void putInt(long address, int value) {
        checkValue(address, 4);
        chunkForWrite(address, 4).set(INT, address & chunkMask, value);
        markDirty(address, 4);
    }

    public byte getByte(long address) {
        checkRange(address, 1);
        MemorySegment s = chunkForRead(address, 1);
        return s == null ? 0 : s.get(ValueLayout.JAVA_BYTE, address & chunkMask);
    }

    public void putByte(long address, byte value) {
        checkRange(address, 1);
        chunkForWrite(address, 1).set(ValueLayout.JAVA_BYTE, address & chunkMask, value);
        markDirty(address, 1);
    }

    /** Copies {@code len} bytes at {@code address} into {@code dst[off..]}; may span chunks. */
    public void read(long address, byte[] dst, int off, int len) {
        checkRange(address, len);
        checkArray(dst, off, len);
        while (len > 0) {
            int n = (int) Math.min(len, chunkMask + 1 - (address & chunkMask));
            MemorySegment s = chunkForRead(address, n);
            if (s == null) {
                java.util.Arrays.fill(dst, off, off + n, (byte) 0);
            } else {
                MemorySegment.copy(s, ValueLayout.JAVA_BYTE, address & chunkMask, dst, off, n);
            }
            address += n;
            off += n;
            len -= n;
        }
    }

    /** Copies {@code src[off..off+len)} to {@code address}; may span chunks. */
    public void write(long address, byte[] src, int off, int len) {
        checkRange(address, len);
        checkArray(src, off, len);
        markDirty(address, len);
        while (len > 0) {
            int n = (int) Math.min(len, chunkMask + 1 - (address & chunkMask));
            MemorySegment s = chunkForWrite(address, n);
            MemorySegment.copy(src, off, s, ValueLayout.JAVA_BYTE, address & chunkMask, n);
            address += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Copies {@code len} bytes of {@code src}, from {@code srcOffset}, to {@code address}; may
     * span chunks. For values kept off the Java heap (a 512 MB string arriving off-heap): no
     * heap copy is made.
     */
    public void write(long address, MemorySegment src, long srcOffset, long len) {
        checkRange(address, len);
        checkSegment(src, srcOffset, len);
        markDirty(address, len);
        while (len > 0) {
            long n = Math.min(len, chunkMask + 1 - (address & chunkMask));
            MemorySegment s = chunkForWrite(address, n);
            MemorySegment.copy(src, srcOffset, s, address & chunkMask, n);
            address += n;
            srcOffset += n;
            len -= n;
        }
    }

    /** Copies {@code len} bytes at {@code address} into {@code dst} from {@code dstOffset}; may span chunks. */
    public void read(long address, MemorySegment dst, long dstOffset, long len) {
        checkRange(address, len);
        checkSegment(dst, dstOffset, len);
        while (len > 0) {
            long n = Math.min(len, chunkMask + 1 - (address & chunkMask));
            MemorySegment s = chunkForRead(address, n);
            if (s == null) {
                dst.asSlice(dstOffset, n).fill((byte) 0);
            } else {
                MemorySegment.copy(s, address & chunkMask, dst, dstOffset, n);
            }
            address += n;
            dstOffset += n;
            len -= n;
        }
    }

    /**
     * Copies {@code len} bytes from {@code from} to {@code to} within this memory (moving a value
     * to a bigger block); the two ranges must not overlap.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for overlapping or out-of-range ranges
     */
    public void copy(long from, long to, long len) {
        checkRange(from, len);
        checkRange(to, len);
        if (len > 0 && from < to + len && to < from + len) {
            throw ErrorCode.INVALID_ARGUMENT.exception("copy of " + len + " bytes from " + from + " to " + to + " overlaps");
        }
        markDirty(to, len);
        while (len > 0) {
            long n = Math.min(len, Math.min(chunkMask + 1 - (from & chunkMask), chunkMask + 1 - (to & chunkMask)));
            MemorySegment src = chunkForRead(from, n);
            MemorySegment dst = chunkForWrite(to, n);
            if (src == null) {
                dst.asSlice(to & chunkMask, n).fill((byte) 0);
            } else {
                MemorySegment.copy(src, from & chunkMask, dst, to & chunkMask, n);
            }
            from += n;
            to += n;
            len -= n;
        }
    }

    private static void checkSegment(MemorySegment segment, long offset, long len) {
        if (offset < 0 || len < 0 || offset > segment.byteSize() - len) {
            throw ErrorCode.INVALID_ARGUMENT.exception("range " + offset + "+" + len + " is outside a " + segment.byteSize()
                    + "-byte segment");
        }
    }

    /**
     * Copies {@code len} bytes from {@code from} to {@code to} within this memory, as C's
     * {@code memmove} (the ranges may overlap): in place when both lie in one chunk (a list
     * node's shift), through a temporary array otherwise. Marks the destination dirty.
     */
    public void move(long from, long to, int len) {
        checkRange(from, len);
        checkRange(to, len);
        if (len == 0) {
            return;
        }
        long fromChunk = from >>> chunkShift;
        if (fromChunk == (from + len - 1) >>> chunkShift && fromChunk == to >>> chunkShift
                && fromChunk == (to + len - 1) >>> chunkShift) {
            chunkForRead(from, len); // faults missing source pages in (post-copy) before they are read
            MemorySegment s = chunkForWrite(to, len);
            MemorySegment.copy(s, from & chunkMask, s, to & chunkMask, len);
            markDirty(to, len);
            return;
        }
        byte[] tmp = new byte[len];
        read(from, tmp, 0, len);
        write(to, tmp, 0, len);
    }

    /** Whether two ranges hold the same bytes (for key comparison without copying). */
    public boolean equalsBytes(long address, byte[] other, int off, int len) {
        checkRange(address, len);
        checkArray(other, off, len);
        while (len > 0) {
            int n = (int) Math.min(len, chunkMask + 1 - (address & chunkMask));
            MemorySegment s = chunkForRead(address, n);
            if (s == null) {
                for (int i = 0; i < n; i++) {
                    if (other[off + i] != 0) {
                        return false;
                    }
                }
            } else if (MemorySegment.mismatch(s, address & chunkMask, (address & chunkMask) + n,
                    MemorySegment.ofArray(other), off, off + n) != -1) {
                return false;
            }
            address += n;
            off += n;
            len -= n;
        }
        return true;
    }

    /**
     * Lexicographic unsigned comparison of the {@code len} bytes at {@code address} with
     * {@code other}, the shorter first when one is a prefix of the other (as
     * {@link java.util.Arrays#compareUnsigned(byte[], byte[])}); without copying.
     */
    public int compareBytes(long address, int len, byte[] other) {
        checkRange(address, len);
        int n = Math.min(len, other.length);
        int off = 0;
        while (off < n) {
            // Members and keys are short: a plain loop beats a mismatch over a wrapped array here.
            int step = (int) Math.min(n - off, chunkMask + 1 - (address & chunkMask));
            MemorySegment s = chunkForRead(address, step);
            long at = address & chunkMask;
            for (int i = 0; i < step; i++) {
                int mine = s == null ? 0 : s.get(ValueLayout.JAVA_BYTE, at + i) & 0xFF;
                int theirs = other[off + i] & 0xFF;
                if (mine != theirs) {
                    return mine < theirs ? -1 : 1;
                }
            }
            address += step;
            off += step;
        }
        return Integer.compare(len, other.length);
    }

    /** Number of pages written since their dirty bit was last cleared. */
    public long dirtyPageCount() {
        return dirtyCount;
    }

    /**
     * Pages that went from clean to dirty since this memory was created (a counter, never reset):
     * a page counts again only after a migration round cleared its dirty bit. Process thread only.
     */
    public long pagesDirtiedTotal() {
        return pagesDirtied;
    }

    public boolean isDirty(long page) {
        checkPage(page);
        return (dirty[(int) (page >>> 6)] & (1L << page)) != 0;
    }

    /**
     * Returns the dirty pages as a bitmap (bit {@code p} of word {@code p/64}) and clears
     * every dirty bit: the start of a new tracking round. Process thread only.
     */
    public long[] takeDirtyPages() {
        long[] snapshot = dirty.clone();
        java.util.Arrays.fill(dirty, 0);
        dirtyCount = 0;
        return snapshot;
    }

    /** Clears every dirty bit. Process thread only. */
    public void clearDirty() {
        java.util.Arrays.fill(dirty, 0);
        dirtyCount = 0;
    }

    /**
     * A view of one page's bytes, for copying pages between memory and a socket without a heap
     * copy. For reading (sending) an allocated page, or for installing (receiving) a page before
     * the process runs: the same rules as {@link #readPage} and {@link #installPage} apply.
     */
    public ByteBuffer pageBuffer(long page) {
        checkPage(page);
        long address = page << pageShift;
        int c = (int) (address >>> chunkShift);
        MemorySegment s = chunks[c] != null ? chunks[c] : table.allocate(c);
        return s.asSlice(address & chunkMask, pageSizeBytes).asByteBuffer();
    }

    /** Copies page {@code page} into {@code dst} (length ≥ page size); an unallocated page reads as zeros. */
    public void readPage(long page, byte[] dst) {
        checkPage(page);
        read(page << pageShift, dst, 0, pageSizeBytes);
    }

    /**
     * Installs a page received from elsewhere, allocating it if needed, without marking it
     * dirty (it is already in the state the sender had). Process thread only, or before start.
     */
    public void installPage(long page, byte[] src) {
        installPage(page, src, 0);
    }

    /** {@link #installPage(long, byte[])} from {@code src[offset..offset+pageSize)}. */
    public void installPage(long page, byte[] src, int offset) {
        checkPage(page);
        checkArray(src, offset, pageSizeBytes);
        long address = page << pageShift;
        int c = (int) (address >>> chunkShift);
        MemorySegment s = chunks[c] != null ? chunks[c] : table.allocate(c);
        MemorySegment.copy(src, offset, s, ValueLayout.JAVA_BYTE, address & chunkMask, pageSizeBytes);
    }

    /**
     * Installs every page of chunk {@code chunk} from {@code src[offset..offset+chunkBytes)}, like
     * {@link #installPage} for each. See {@link #installChunk(int, ChunkFill)}.
     */
    public void installChunk(int chunk, byte[] src, int offset) {
        checkArray(src, offset, (int) (chunkMask + 1));
        try {
            installChunk(chunk, b -> b.put(src, offset, b.remaining()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Installs a whole chunk received from elsewhere (pages {@code chunk·PAGES_PER_CHUNK} onwards)
     * without marking it dirty: {@code fill} must fill the buffer it is given, one chunk long,
     * for example by a scattering read from a socket. When the chunk is not allocated yet it is
     * taken from the pool <em>without zeroing</em>, since every byte is overwritten, and it
     * becomes part of this memory only once filled: nobody ever sees the previous owner's bytes.
     * If {@code fill} throws or leaves bytes unfilled, such a chunk goes back to the pool and the
     * memory is unchanged; an already allocated chunk keeps what {@code fill} wrote. Before the
     * process runs only, like {@link #installPage}.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a chunk out of range or a short fill
     */
    public void installChunk(int chunk, ChunkFill fill) throws IOException {
        if (chunk < 0 || chunk >= chunks.length) {
            throw ErrorCode.INVALID_ARGUMENT.exception("chunk " + chunk + " is outside this memory of " + chunks.length
                    + " chunks");
        }
        table.install(chunk, fill);
    }

    /**
     * Marks the pages set in {@code pages} (bit p of word p/64) as missing: they will arrive by
     * {@link #deliverPage} or be fetched from {@code source} on first access. Call before the
     * process thread starts.
     */
    public void expectPages(long[] pages, PageSource source) {
        AtomicLongArray m = new AtomicLongArray(dirty.length);
        long n = 0;
        for (int w = 0; w < Math.min(pages.length, dirty.length); w++) {
            m.set(w, pages[w]);
            n += Long.bitCount(pages[w]);
        }
        missing = m;
        pageSource = source;
        missingCount.set(n);
        updateSlowPath();
    }

    /** Recomputed under the lock after every change to what it summarizes, so the last write wins correctly. */
    private synchronized void updateSlowPath() {
        slowPath = table.isClosed() || missingCount.get() > 0;
    }

    /** Pages still missing. */
    public long missingPageCount() {
        return missingCount.get();
    }

    /** Whether {@code page} has yet to arrive. Any thread. */
    public boolean isMissing(long page) {
        checkPage(page);
        AtomicLongArray m = missing;
        return m != null && missingCount.get() > 0 && (m.get((int) (page >>> 6)) & (1L << page)) != 0;
    }

    /**
     * Installs a pushed page if it is still missing (any thread); returns false when it had
     * already arrived (by a fault or an earlier push), in which case {@code src} is ignored.
     */
    public boolean deliverPage(long page, byte[] src) {
        return deliverPage(page, src, 0);
    }

    /** {@link #deliverPage(long, byte[])} from {@code src[offset..)}. */
    public boolean deliverPage(long page, byte[] src, int offset) {
        checkPage(page);
        checkArray(src, offset, pageSizeBytes);
        if (!isMissing(page)) {
            return false;
        }
        CompletableFuture<Void> mine = new CompletableFuture<>();
        if (installing.putIfAbsent(page, mine) != null) {
            return false;
        }
        try {
            if (!isMissing(page)) {
                return false;
            }
            installPage(page, src, offset);
            clearMissing(page);
            return true;
        } finally {
            installing.remove(page);
            mine.complete(null);
        }
    }

    private void clearMissing(long page) {
        AtomicLongArray m = missing;
        int w = (int) (page >>> 6);
        long bit = 1L << page;
        while (true) {
            long cur = m.get(w);
            if ((cur & bit) == 0) {
                return;
            }
            if (m.compareAndSet(w, cur, cur & ~bit)) {
                break;
            }
        }
        if (missingCount.decrementAndGet() == 0) {
            updateSlowPath();
        }
    }

    /** Makes every page of [address, address+len) present, fetching missing ones. */
    private void faultIn(long address, long len) {
        long first = address >>> pageShift;
        long last = (address + Math.max(len, 1) - 1) >>> pageShift;
        for (long p = first; p <= last; p++) {
            while (isMissing(p)) {
                CompletableFuture<Void> other = installing.get(p);
                if (other != null) {
                    other.join();
                    continue;
                }
                CompletableFuture<Void> mine = new CompletableFuture<>();
                if (installing.putIfAbsent(p, mine) != null) {
                    continue;
                }
                try {
                    if (isMissing(p)) {
                        installPage(p, pageSource.fetch(p));
                        clearMissing(p);
                    }
                } finally {
                    installing.remove(p);
                    mine.complete(null);
                }
            }
        }
    }

    /**
     * Hands every chunk back to the pool (which keeps or frees it). No method may be called
     * afterwards, and no thread may still hold a {@link #pageBuffer} view: the chunks' next
     * owner may be writing them. Idempotent.
     */
    @Override
    public void close() {
        table.close();
        updateSlowPath();
    }
}
