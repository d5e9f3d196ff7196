package dev.caravan.node.slice;

import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.servers.model.ConnectionGate;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A slice's {@code connections} quota on one node: the client connections open at once on the data
 * endpoints of all the slice's processes in this JVM (a host and each of its sandboxes count apart:
 * a sandbox is a node of its own). Each data endpoint takes a slot of its slice's
 * {@link ConnectionGate} per client connection and gives it back when the connection closes; a
 * client beyond the quota gets redis-server 7.0's {@code -ERR max number of clients reached} and is
 * closed, exactly as at a process's own connection quota. The first refusal after the slice was
 * under its quota is published ({@link EventKind#QUOTA_EXCEEDED}, fields {@code slice},
 * {@code quota=slice-connections}, {@code action=refused}); every refusal is counted.
 *
 * <p>The limit of a slice is what its definition said when a process of the slice last started
 * or arrived here ({@link #gate}); 0 is no limit. Thread-safe.
 */
public final class SliceConnections {
    /** One slice's count on this node. */
    private static final class Count {
        final AtomicInteger open = new AtomicInteger();
        final AtomicLong refused = new AtomicLong();
        final AtomicBoolean reported = new AtomicBoolean();
        volatile int limit;
    }

    private final String nodeId;
    private final EventLog events;
    private final Map<String, Count> bySlice = new ConcurrentHashMap<>();

    public SliceConnections(String nodeId, EventLog events) {
        this.nodeId = nodeId;
        this.events = events;
    }

    /**
     * The gate of {@code processName}'s endpoint, a process of {@code slice}; sets the slice's limit
     * on this node to {@code limit} (0: none) for every endpoint of the slice.
     */
    public ConnectionGate gate(String slice, String processName, int limit) {
        Count c = bySlice.computeIfAbsent(slice, s -> new Count());
        c.limit = limit;
        return new ConnectionGate() {
            @Override
            public boolean tryAcquire() {
                while (true) {
                    int n = c.open.get();
                    int max = c.limit;
                    if (max > 0 && n >= max) {
                        onRefused(slice, processName, c, max);
                        return false;
                    }
                    if (c.open.compareAndSet(n, n + 1)) {
                        return true;
                    }
                }
            }

            @Override
            public void release() {
                if (c.open.decrementAndGet() < c.limit) {
                    c.reported.set(false);
                }
            }
        };
    }

    /** Client connections of {@code slice}'s processes open on this node now. */
    public int open(String slice) {
        Count c = bySlice.get(slice);
        return c == null ? 0 : c.open.get();
    }

    /** The limit last set for {@code slice} here; 0 when none. */
    public int limit(String slice) {
        Count c = bySlice.get(slice);
        return c == null ? 0 : c.limit;
    }

    /** Clients of {@code slice} refused here at its quota so far. */
    public long refused(String slice) {
        Count c = bySlice.get(slice);
        return c == null ? 0 : c.refused.get();
    }

    private void onRefused(String slice, String processName, Count c, int max) {
        c.refused.incrementAndGet();
        if (c.reported.compareAndSet(false, true)) {
            events.publish(EventKind.QUOTA_EXCEEDED, processName, "slice " + slice + " on " + nodeId + ": connection quota "
                    + max + " reached; process " + processName + " refused a client (-ERR max number of clients reached)",
                    Map.of("node", nodeId, "slice", slice, "quota", "slice-connections", "action", "refused"));
        }
    }
}
