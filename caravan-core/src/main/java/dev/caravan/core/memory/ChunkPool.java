package dev.caravan.core.memory;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.ErrorCode;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A node's reserve of off-heap chunks (the unit a {@link PagedMemory} allocates), kept warm for
 * the next process that needs memory. The first touch of fresh anonymous memory costs the OS a
 * page fault per 4 KiB (1–4.4 s per GiB measured here) while zeroing a reused chunk costs
 * 0.16–0.26 s per GiB, so an arriving process should take chunks that a departed process (or the
 * pre-fault reserve) already faulted in. Zeroing happens on acquire, not in the background on
 * release: it is cheap, it is skipped for chunks that will be overwritten whole, and it does not
 * compete for the CPU with a migration in progress.
 *
 * <pre>
 *   PagedMemory.close() ──release──▶ [ pooled chunks, ≤ maxPooledBytes ] ──acquire──▶ new PagedMemory
 *   startPrefault() (node start) ───▶          (LIFO: warmest first)       (zeroed, or not if the
 *   over the cap: freed to the OS                                            caller overwrites all)
 * </pre>
 *
 * <p>Ownership: a chunk belongs to exactly one owner at a time — the pool while pooled, one
 * {@link PagedMemory} from acquire to release. A pooled chunk holds whatever its last owner
 * wrote; {@link #acquire} zeroes it unless the caller promises to overwrite every byte. An owner
 * must not touch a chunk after releasing it: the next owner may already be writing it.
 *
 * <p>Threading: every method may be called from any thread. The pooled list is guarded by this
 * pool's monitor, held only to push or pop; faulting, zeroing and freeing happen outside it.
 * {@link #startPrefault} runs on one virtual thread. After {@link #close} the pool keeps nothing:
 * acquire allocates fresh and release frees.
 */
public final class ChunkPool implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ChunkPool.class.getName());
    /** Pooled bytes a node keeps by default: enough for a few arrivals, small next to a node's memory. */
    public static final long DEFAULT_MAX_POOLED_BYTES = 256L << 20;

    /**
     * How much a pool may keep.
     *
     * @param maxPooledBytes the cap on idle pooled bytes; chunks released beyond it are freed
     * @param prefaultBytes  bytes of chunks {@link #startPrefault} faults in ahead of demand (≤ the cap)
     */
    public record Config(long maxPooledBytes, long prefaultBytes) {
        public Config {
            if (maxPooledBytes < 0 || prefaultBytes < 0) {
                throw ErrorCode.INVALID_ARGUMENT.exception("pool sizes must not be negative, got cap " + maxPooledBytes
                        + " and pre-fault " + prefaultBytes);
            }
            if (prefaultBytes > maxPooledBytes) {
                throw ErrorCode.INVALID_ARGUMENT.exception("pre-fault reserve of " + prefaultBytes
                        + " bytes exceeds the pool cap of " + maxPooledBytes);
            }
        }

        /** The default cap, no pre-fault. */
        public static Config defaults() {
            return new Config(DEFAULT_MAX_POOLED_BYTES, 0);
        }

        /** Keeps nothing: every release frees. What a memory without a node pool uses. */
        public static Config unpooled() {
            return new Config(0, 0);
        }

        /** This config with a pre-fault reserve of {@code bytes}, the cap raised to hold it. */
        public Config withPrefault(long bytes) {
            return new Config(Math.max(maxPooledBytes, bytes), bytes);
        }
    }

    /** One chunk and the arena that frees it; {@code fresh} when it was faulted in by this acquire. */
    record Chunk(Arena arena, MemorySegment segment, boolean fresh) {
    }

    private final int pageSizeBytes;
    private final long chunkBytes;
    private final Config config;
    private final Clock clock;
    private final ArrayDeque<Chunk> pooled = new ArrayDeque<>();
    private long pooledBytes;
    private long prefaultedBytes;
    private boolean closed;

    /**
     * @param pageSizeBytes the page size of every memory using this pool; chunks are
     *                      {@link PagedMemory#PAGES_PER_CHUNK} pages, aligned to a page
     * @param clock         what allocation times are measured with
     */
    public ChunkPool(int pageSizeBytes, Config config, Clock clock) {
        PagedMemory.checkPageSize(pageSizeBytes);
        this.pageSizeBytes = pageSizeBytes;
        this.chunkBytes = (long) pageSizeBytes * PagedMemory.PAGES_PER_CHUNK;
        this.config = config;
        this.clock = clock;
    }

    /** A pool that keeps nothing, for a memory that does not share one. */
    public static ChunkPool unpooled(int pageSizeBytes) {
        return new ChunkPool(pageSizeBytes, Config.unpooled(), Clock.system());
    }

    public int pageSizeBytes() {
        return pageSizeBytes;
    }

    public long chunkBytes() {
        return chunkBytes;
    }

    public Config config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    /** Idle bytes held for reuse now. */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Bytes the pre-fault reserve has faulted in so far. */
    public synchronized long prefaultedBytes() {
        return prefaultedBytes;
    }

    /**
     * Faults in {@link Config#prefaultBytes} of chunks on a virtual thread and pools them, so the
     * first arriving process finds warm memory. Stops early at the cap, on close, or if the OS
     * refuses memory (logged; the node runs on without the reserve). Call once.
     *
     * @return completes with the bytes pre-faulted
     */
    public CompletableFuture<Long> startPrefault() {
        CompletableFuture<Long> done = new CompletableFuture<>();
        if (config.prefaultBytes() == 0) {
            done.complete(0L);
            return done;
        }
        Thread.ofVirtual().name("chunk-prefault").start(() -> {
            long bytes = 0;
            try {
                while (bytes < config.prefaultBytes() && hasRoom()) {
                    if (!offer(allocateFresh())) {
                        break;
                    }
                    bytes += chunkBytes;
                    synchronized (this) {
                        prefaultedBytes = bytes;
                    }
                }
                done.complete(bytes);
            } catch (OutOfMemoryError | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pre-faulting chunks stopped after " + bytes + " bytes: " + e);
                done.complete(bytes);
            }
        });
        return done;
    }

    private synchronized boolean hasRoom() {
        return !closed && pooledBytes + chunkBytes <= config.maxPooledBytes();
    }

    /** Pools a chunk if there is room; frees it otherwise. */
    private boolean offer(Chunk chunk) {
        synchronized (this) {
            if (!closed && pooledBytes + chunkBytes <= config.maxPooledBytes()) {
                pooled.push(new Chunk(chunk.arena(), chunk.segment(), false));
                pooledBytes += chunkBytes;
                return true;
            }
        }
        chunk.arena().close();
        return false;
    }

    /**
     * A chunk for one owner: a pooled one if any (zeroed first when {@code zero}), else a fresh
     * one faulted in now (zero-filled by the allocation itself). Pass {@code zero = false} only
     * when every byte will be written before anyone reads the chunk.
     */
    Chunk acquire(boolean zero) {
        Chunk c;
        synchronized (this) {
            c = pooled.poll();
            if (c != null) {
                pooledBytes -= chunkBytes;
            }
        }
        if (c == null) {
            return allocateFresh();
        }
        if (zero) {
            c.segment().fill((byte) 0);
        }
        return c;
    }

    private Chunk allocateFresh() {
        // One arena per chunk, so that each chunk can be freed on its own when it is over the cap.
        Arena arena = Arena.ofShared();
        try {
            return new Chunk(arena, arena.allocate(chunkBytes, pageSizeBytes), true);
        } catch (OutOfMemoryError | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Takes back chunks from an owner that will not touch them again; frees what is over the cap. */
    void release(List<Chunk> chunks) {
        List<Chunk> excess = new ArrayList<>();
        synchronized (this) {
            for (Chunk c : chunks) {
                if (!closed && pooledBytes + chunkBytes <= config.maxPooledBytes()) {
                    pooled.push(c.fresh() ? new Chunk(c.arena(), c.segment(), false) : c);
                    pooledBytes += chunkBytes;
                } else {
                    excess.add(c);
                }
            }
        }
        for (Chunk c : excess) {
            c.arena().close();
        }
    }

    /** Frees every pooled chunk and stops pooling; chunks still owned are freed when released. */
    @Override
    public void close() {
        List<Chunk> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(pooled);
            pooled.clear();
            pooledBytes = 0;
        }
        for (Chunk c : all) {
            c.arena().close();
        }
    }
}
