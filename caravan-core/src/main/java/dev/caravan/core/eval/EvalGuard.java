package dev.caravan.core.eval;

import dev.caravan.wire.ErrorCode;

import java.lang.management.ManagementFactory;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The gate between a {@link RemoteFunction} and its process's data: every read through
 * {@link ReadOnlyMemory} or a {@link KeyValueView} enters it, and it refuses once the function
 * is over its time or memory budget or has been {@link #revoke revoked}.
 *
 * <p>Why a lock: a function that will not stop cannot be killed in Java (there is no
 * {@code Thread.stop}), so the runtime revokes it and lets the process thread go on. Each read
 * holds the read lock and {@link #revoke} takes the write lock, so once revoke returns no read of
 * the function is in progress or can start: the process may write its memory again (or free it
 * to the node's chunk pool) without the function ever seeing it. A read holds the lock for the
 * runtime's own code only, never for the function's.
 *
 * <p>Memory is measured as the Java heap bytes allocated by the function's thread
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}, which this JVM
 * supports for platform threads: the function runs on one).
 */
public final class EvalGuard {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final long deadlineNs;
    private final long memoryBudgetBytes;
    private volatile long allocatedAtStart = -1;
    private volatile String revoked;

    /** @param deadlineNs the {@link System#nanoTime()} after which the function is over its time budget */
    public EvalGuard(long deadlineNs, long memoryBudgetBytes) {
        this.deadlineNs = deadlineNs;
        this.memoryBudgetBytes = memoryBudgetBytes;
    }

    /** Whether this JVM measures a thread's heap allocation (HotSpot does). */
    public static boolean allocationMeasured() {
        return THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled();
    }

    /** Heap bytes allocated so far by {@code thread} (a platform thread), -1 if not measurable. */
    public static long allocatedBytes(Thread thread) {
        return THREADS.getThreadAllocatedBytes(thread.threadId());
    }

    /** Called first on the function's thread: allocation is counted from here. */
    void begin() {
        allocatedAtStart = THREADS.getCurrentThreadAllocatedBytes();
    }

    /** Bytes the calling (function) thread allocated since {@link #begin}. */
    long allocatedSinceBegin() {
        return THREADS.getCurrentThreadAllocatedBytes() - allocatedAtStart;
    }

    /** Bytes {@code thread} allocated since it called {@link #begin}; 0 before it did. */
    long allocatedSinceBegin(Thread thread) {
        long start = allocatedAtStart;
        return start < 0 ? 0 : allocatedBytes(thread) - start;
    }

    long deadlineNs() {
        return deadlineNs;
    }

    long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** Heap bytes the calling (function) thread may still allocate. */
    long memoryLeftBytes() {
        return Math.max(0, memoryBudgetBytes - allocatedSinceBegin());
    }

    /** Enters a read: throws BUDGET_EXCEEDED when revoked or over budget. Pair with {@link #exit}. */
    void enter() {
        lock.readLock().lock();
        try {
            check();
        } catch (RuntimeException e) {
            lock.readLock().unlock();
            throw e;
        }
    }

    void exit() {
        lock.readLock().unlock();
    }

    /** Throws BUDGET_EXCEEDED when revoked or over budget; on the function's thread. */
    void check() {
        String why = revoked;
        if (why != null) {
            throw ErrorCode.BUDGET_EXCEEDED.exception(why);
        }
        if (System.nanoTime() - deadlineNs > 0) {
            throw ErrorCode.BUDGET_EXCEEDED.exception("the function ran past its time budget");
        }
        long used = allocatedSinceBegin();
        if (used > memoryBudgetBytes) {
            throw ErrorCode.BUDGET_EXCEEDED.exception("the function allocated " + used + " bytes, over its memory budget of "
                    + memoryBudgetBytes + " bytes");
        }
    }

    /**
     * Stops every later read, waiting for a read in progress to finish. Returns at once when
     * already revoked. After it returns the function can no longer reach the process's data.
     */
    void revoke(String reason) {
        lock.writeLock().lock();
        try {
            if (revoked == null) {
                revoked = reason;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Why the function was stopped, or null. */
    String revokedReason() {
        return revoked;
    }
}
