package dev.caravan.core.memory;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunks behind one {@link PagedMemory}: which are allocated, the pool they came from and go
 * back to, and what taking them cost.
 *
 * <p>Threading: allocation, accounting and close hold this table's monitor, and only to update
 * the table; asking the pool (faulting or zeroing, milliseconds for a fresh chunk) happens
 * outside it, so a page receiver does not wait behind a preallocating thread. {@link #segments}
 * is read without the lock by the memory's accessors: a slot goes from null to a chunk once and
 * back to null only at close, which must come last.
 */
final class ChunkTable {
    private final ChunkPool pool;
    private final Clock clock;
    private final long chunkBytes;
    /** Chunk c's memory, or null; what the accessors read. */
    final MemorySegment[] segments;
    private final ChunkPool.Chunk[] owned;
    private volatile int allocated;
    private boolean closed;
    private long allocationNanos;
    private long freshBytes;
    private long reusedBytes;

    ChunkTable(ChunkPool pool, int chunkCount) {
        this.pool = pool;
        this.clock = pool.clock();
        this.chunkBytes = pool.chunkBytes();
        this.segments = new MemorySegment[chunkCount];
        this.owned = new ChunkPool.Chunk[chunkCount];
    }

    int allocatedCount() {
        return allocated;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized AllocationStats stats() {
        return new AllocationStats(allocationNanos, freshBytes, reusedBytes);
    }

    /** Chunk {@code c}, allocated zero-filled if it is not yet; any thread. */
    MemorySegment allocate(int c) {
        MemorySegment s = segments[c];
        if (s != null) {
            return s;
        }
        long start = clock.nanoTime();
        ChunkPool.Chunk taken = pool.acquire(true);
        s = publish(c, taken, clock.nanoTime() - start);
        if (s != taken.segment()) {
            pool.release(List.of(taken));
        }
        return s;
    }

    /** See {@link PagedMemory#installChunk(int, PagedMemory.ChunkFill)}. */
    void install(int c, PagedMemory.ChunkFill fill) throws IOException {
        MemorySegment existing = segments[c];
        if (existing != null) {
            fillCompletely(existing, fill);
            return;
        }
        long start = clock.nanoTime();
        ChunkPool.Chunk taken = pool.acquire(false);
        long nanos = clock.nanoTime() - start;
        try {
            fillCompletely(taken.segment(), fill);
        } catch (IOException | RuntimeException | Error e) {
            pool.release(List.of(taken));
            throw e;
        }
        MemorySegment s = publish(c, taken, nanos);
        if (s != taken.segment()) {
            // Allocated meanwhile (by a preallocating thread): copy into the winner, then hand ours back.
            MemorySegment.copy(taken.segment(), 0, s, 0, chunkBytes);
            pool.release(List.of(taken));
        }
    }

    private static void fillCompletely(MemorySegment chunk, PagedMemory.ChunkFill fill) throws IOException {
        ByteBuffer b = chunk.asByteBuffer();
        fill.fill(b);
        if (b.hasRemaining()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a chunk install left " + b.remaining() + " of " + b.capacity()
                    + " bytes unfilled");
        }
    }

    /**
     * Makes {@code taken} chunk {@code c} unless {@code c} was allocated meanwhile; returns chunk
     * {@code c} either way, and the caller hands back a {@code taken} that lost.
     */
    private MemorySegment publish(int c, ChunkPool.Chunk taken, long nanos) {
        synchronized (this) {
            if (!closed) {
                allocationNanos += nanos;
                if (segments[c] != null) {
                    return segments[c];
                }
                segments[c] = taken.segment();
                owned[c] = taken;
                allocated++;
                if (taken.fresh()) {
                    freshBytes += chunkBytes;
                } else {
                    reusedBytes += chunkBytes;
                }
                return taken.segment();
            }
        }
        pool.release(List.of(taken));
        throw closedException();
    }

    static IllegalStateException closedException() {
        return new IllegalStateException("this paged memory is closed");
    }

    /** Empties the table and hands every chunk back to the pool; later allocations fail. Idempotent. */
    void close() {
        List<ChunkPool.Chunk> release = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (int c = 0; c < segments.length; c++) {
                if (owned[c] != null) {
                    release.add(owned[c]);
                    owned[c] = null;
                }
                segments[c] = null;
            }
            allocated = 0;
        }
        pool.release(release);
    }
}
