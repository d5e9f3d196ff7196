package dev.caravan.dashboard;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Which processes the open pages draw: each page's stream ({@code /api/stream?show=NAME}) registers
 * the process its figure shows while it is open. The dashboard probes only those (and a process
 * that migrates), so that it adds no traffic to the processes nobody looks at.
 *
 * <p>Thread-safe: streams register on their own threads, the poll loop reads.
 */
public final class ShownProcesses {
    private final ConcurrentHashMap<Long, String> byStream = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();

    /** A stream's registration; closing it ends it (idempotent). */
    public interface Showing extends AutoCloseable {
        @Override
        void close();
    }

    /** Registers that a stream shows {@code process} until the returned handle is closed. */
    public Showing show(String process) {
        long id = lastId.incrementAndGet();
        byStream.put(id, process);
        return () -> byStream.remove(id);
    }

    /** The processes shown by at least one open stream. */
    public Set<String> shown() {
        return Set.copyOf(byStream.values());
    }
}
