package dev.caravan.wire.command;

import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte string held outside the Java heap: a value too big to copy onto the heap (a 512 MB
 * {@code SET} argument, a {@code GET} reply), so that the heap does not grow with the size of
 * the values a node serves.
 *
 * <pre>
 *  length ──────────────────────────────────────────────────────────►
 *  | chunk 0 (CHUNK_BYTES) | chunk 1 | … | last chunk (the rest) |
 *  |◄────────── filled ─────────►|   (chunks are allocated only as bytes are appended)
 * </pre>
 *
 * <p>The length is fixed at {@link #allocate}; bytes are appended until it is reached
 * ({@link #isComplete}). Chunks are taken one at a time as bytes arrive, so a peer that
 * announces 512 MB and sends 10 bytes costs one chunk, not 512 MB. The memory comes from a shared
 * {@link Arena}, so it is not bounded by {@code -XX:MaxDirectMemorySize}.
 *
 * <p>Ownership is counted: {@link #allocate} returns a value with one reference; every holder
 * that keeps it across a hand-off takes its own ({@link #retain}) and gives it back
 * ({@link #release}); the last release frees the memory. A value dropped without its last
 * release is freed when the garbage collector finds it unreachable, which may be much later,
 * and that is logged as an ERROR (a leak in whatever held it): endpoints release on every
 * path. Accessing a value after its last release throws {@link IllegalStateException}.
 *
 * <p>Threading: one thread appends; readers use it after it was handed over through something
 * that orders memory (a queue, a future). {@link #retain} and {@link #release} may be called
 * from any thread.
 */
public final class OffHeapBytes {
    /** Size of every chunk but the last. */
    public static final int CHUNK_BYTES = 4 << 20;
    private static final int COPY_BYTES = 64 * 1024;
    private static final System.Logger LOG = System.getLogger(OffHeapBytes.class.getName());
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong LIVE_BYTES = new AtomicLong();
    private static final AtomicLong LIVE_VALUES = new AtomicLong();

    private final long length;
    private final MemorySegment[] chunks;
    private final Memory memory;
    private final Cleaner.Cleanable cleanable;
    private final AtomicInteger refs = new AtomicInteger(1);
    private long filled;

    /** What the cleaner frees: kept apart from the value, so that the value can become unreachable. */
    private static final class Memory implements Runnable {
        private final Arena arena = Arena.ofShared();
        private final AtomicLong allocated = new AtomicLong();
        private final long length;
        private volatile boolean released;

        Memory(long length) {
            this.length = length;
        }

        @Override
        public void run() {
            arena.close();
            LIVE_BYTES.addAndGet(-allocated.get());
            LIVE_VALUES.decrementAndGet();
            if (!released) {
                LOG.log(System.Logger.Level.ERROR, "an off-heap value of " + length + " bytes was dropped without being"
                        + " released; the garbage collector freed it (a leak in the code that held it)");
            }
        }
    }

    private OffHeapBytes(long length) {
        this.length = length;
        this.chunks = new MemorySegment[(int) ((length + CHUNK_BYTES - 1) / CHUNK_BYTES)];
        this.memory = new Memory(length);
        this.cleanable = CLEANER.register(this, memory);
        LIVE_VALUES.incrementAndGet();
    }

    /**
     * An empty value that will hold exactly {@code length} bytes; nothing is allocated yet.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a negative length or one
     *                                           above {@code Integer.MAX_VALUE} chunks
     */
    public static OffHeapBytes allocate(long length) {
        if (length < 0 || (length + CHUNK_BYTES - 1) / CHUNK_BYTES > Integer.MAX_VALUE - 8) {
            throw ErrorCode.INVALID_ARGUMENT.exception("an off-heap value of " + length + " bytes is out of range");
        }
        return new OffHeapBytes(length);
    }

    /** A complete copy of {@code bytes} (tests, small values). */
    public static OffHeapBytes copyOf(byte[] bytes) {
        OffHeapBytes v = allocate(bytes.length);
        v.append(bytes, 0, bytes.length);
        return v;
    }

    /** Bytes held off-heap by values not yet freed, in this JVM (for tests and leak checks). */
    public static long liveBytes() {
        return LIVE_BYTES.get();
    }

    /** Values not yet freed, in this JVM. */
    public static long liveValues() {
        return LIVE_VALUES.get();
    }

    /** The length given at {@link #allocate}. */
    public long length() {
        return length;
    }

    /** Bytes appended so far. */
    public long filled() {
        return filled;
    }

    /** Whether all {@link #length} bytes have been appended. */
    public boolean isComplete() {
        return filled == length;
    }

    /**
     * The unfilled rest of the current chunk, allocating the chunk if needed: write into it,
     * then {@link #advance} by what was written. Empty when the value is complete.
     */
    public MemorySegment appendWindow() {
        checkLive();
        if (filled == length) {
            return MemorySegment.NULL;
        }
        int c = (int) (filled / CHUNK_BYTES);
        MemorySegment chunk = chunks[c];
        if (chunk == null) {
            long size = Math.min(CHUNK_BYTES, length - (long) c * CHUNK_BYTES);
            chunk = memory.arena.allocate(size, 8);
            memory.allocated.addAndGet(size);
            LIVE_BYTES.addAndGet(size);
            chunks[c] = chunk;
        }
        long off = filled - (long) c * CHUNK_BYTES;
        return chunk.asSlice(off, chunk.byteSize() - off);
    }

    /** Marks {@code n} more bytes, written into the last {@link #appendWindow}, as filled. */
    public void advance(long n) {
        long window = appendWindow().byteSize();
        if (n < 0 || n > window) {
            throw new IllegalArgumentException("advance by " + n + " outside the append window of " + window + " bytes");
        }
        filled += n;
    }

    /** Appends as many bytes of {@code src} as fit (up to {@link #length}); returns how many. */
    public int append(ByteBuffer src) {
        int total = 0;
        while (src.hasRemaining() && filled < length) {
            MemorySegment w = appendWindow();
            int n = (int) Math.min(src.remaining(), w.byteSize());
            MemorySegment.copy(MemorySegment.ofBuffer(src.slice(src.position(), n)), 0, w, 0, n);
            src.position(src.position() + n);
            filled += n;
            total += n;
        }
        return total;
    }

    /** Appends {@code b[off..off+len)}; throws if that would exceed {@link #length}. */
    public void append(byte[] b, int off, int len) {
        if (len > length - filled) {
            throw new IllegalArgumentException("appending " + len + " bytes to a value with " + (length - filled) + " left");
        }
        while (len > 0) {
            MemorySegment w = appendWindow();
            int n = (int) Math.min(len, w.byteSize());
            MemorySegment.copy(b, off, w, ValueLayout.JAVA_BYTE, 0, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /**
     * Appends from {@code in} until complete, through {@code scratch} (any size).
     *
     * @throws java.io.EOFException when the stream ends first
     */
    public void appendFrom(InputStream in, byte[] scratch) throws IOException {
        while (filled < length) {
            int n = in.read(scratch, 0, (int) Math.min(scratch.length, length - filled));
            if (n < 0) {
                throw new java.io.EOFException("stream ended after " + filled + " of " + length + " bytes of a value");
            }
            append(scratch, 0, n);
        }
    }

    /** Number of chunks holding filled bytes. */
    public int chunkCount() {
        return (int) ((filled + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }

    /** The filled bytes of chunk {@code i} (read-only): chunk i starts at byte {@code i·CHUNK_BYTES}. */
    public MemorySegment chunk(int i) {
        checkLive();
        if (i < 0 || i >= chunkCount()) {
            throw new IndexOutOfBoundsException("chunk " + i + " of " + chunkCount());
        }
        long start = (long) i * CHUNK_BYTES;
        return chunks[i].asSlice(0, Math.min(CHUNK_BYTES, filled - start)).asReadOnly();
    }

    /** Copies filled bytes {@code [offset, offset+len)} into {@code dst[off..]}. */
    public void read(long offset, byte[] dst, int off, int len) {
        checkLive();
        if (offset < 0 || len < 0 || offset > filled - len) {
            throw new IndexOutOfBoundsException("bytes " + offset + "+" + len + " of a value with " + filled + " filled");
        }
        while (len > 0) {
            int c = (int) (offset / CHUNK_BYTES);
            long in = offset - (long) c * CHUNK_BYTES;
            int n = (int) Math.min(len, CHUNK_BYTES - in);
            MemorySegment.copy(chunks[c], ValueLayout.JAVA_BYTE, in, dst, off, n);
            offset += n;
            off += n;
            len -= n;
        }
    }

    /** Writes the filled bytes to {@code out}, 64 KiB at a time through a heap scratch buffer. */
    public void writeTo(OutputStream out) throws IOException {
        byte[] scratch = new byte[(int) Math.min(COPY_BYTES, Math.max(1, filled))];
        for (long pos = 0; pos < filled; ) {
            int n = (int) Math.min(scratch.length, filled - pos);
            read(pos, scratch, 0, n);
            out.write(scratch, 0, n);
            pos += n;
        }
    }

    /**
     * A heap copy of the filled bytes (tests, and callers that know the value is small).
     *
     * @throws dev.caravan.wire.CaravanException TOO_LARGE above {@code maxBytes}
     */
    public byte[] toByteArray(int maxBytes) {
        if (filled > maxBytes) {
            throw ErrorCode.TOO_LARGE.exception("a value of " + filled + " bytes does not fit in " + maxBytes + " heap bytes");
        }
        byte[] b = new byte[(int) filled];
        read(0, b, 0, b.length);
        return b;
    }

    /** Whether the filled bytes equal {@code other}. */
    public boolean contentEquals(byte[] other) {
        if (other.length != filled) {
            return false;
        }
        MemorySegment o = MemorySegment.ofArray(other);
        for (int i = 0; i < chunkCount(); i++) {
            MemorySegment c = chunk(i);
            long start = (long) i * CHUNK_BYTES;
            if (MemorySegment.mismatch(c, 0, c.byteSize(), o, start, start + c.byteSize()) != -1) {
                return false;
            }
        }
        return true;
    }

    /** Takes one more reference; returns this. */
    public OffHeapBytes retain() {
        while (true) {
            int r = refs.get();
            if (r <= 0) {
                throw new IllegalStateException("off-heap value of " + length + " bytes was already released");
            }
            if (refs.compareAndSet(r, r + 1)) {
                return this;
            }
        }
    }

    /** Gives back one reference; the last frees the memory. Releasing more often than retained throws. */
    public void release() {
        int r = refs.decrementAndGet();
        if (r == 0) {
            memory.released = true;
            cleanable.clean();
        } else if (r < 0) {
            throw new IllegalStateException("off-heap value of " + length + " bytes released once too often");
        }
    }

    /** Whether the memory is still held (some reference is left). */
    public boolean isLive() {
        return refs.get() > 0;
    }

    private void checkLive() {
        if (refs.get() <= 0) {
            throw new IllegalStateException("off-heap value of " + length + " bytes used after its last release");
        }
    }

    @Override
    public String toString() {
        return "OffHeapBytes[" + filled + "/" + length + " bytes]";
    }
}
