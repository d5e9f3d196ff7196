package dev.caravan.lab.sync.dining;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks the JVM which threads are deadlocked ({@link ThreadMXBean#findDeadlockedThreads}: cycles
 * of threads waiting for monitors or ownable synchronizers such as {@code ReentrantLock}) and
 * describes the cycle. Stateless; callable from any thread.
 */
public final class DeadlockDetector {
    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();

    /**
     * One detected cycle.
     *
     * @param threadIds the deadlocked threads
     * @param edges     "T waits for L held by U", one per thread
     */
    public record Deadlock(long[] threadIds, List<String> edges) {
    }

    /** The current deadlock, if any. */
    public java.util.Optional<Deadlock> find() {
        long[] ids = mx.findDeadlockedThreads();
        if (ids == null || ids.length == 0) {
            return java.util.Optional.empty();
        }
        List<String> edges = new ArrayList<>();
        for (ThreadInfo ti : mx.getThreadInfo(ids, true, true)) {
            if (ti != null) {
                edges.add(ti.getThreadName() + " waits for " + ti.getLockName() + " held by " + ti.getLockOwnerName());
            }
        }
        return java.util.Optional.of(new Deadlock(ids, edges));
    }

    /** Interrupts the given threads (of this JVM) so that interruptible waits give up. */
    public static void interrupt(long[] threadIds, List<Thread> candidates) {
        for (Thread t : candidates) {
            for (long id : threadIds) {
                if (t.threadId() == id) {
                    t.interrupt();
                }
            }
        }
    }
}
