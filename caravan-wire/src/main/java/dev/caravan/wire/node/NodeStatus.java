package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * A node's capacity, use and load: the reply of {@link dev.caravan.wire.Op#NODE_STATUS},
 * {@code NODE_CORDON} and {@code NODE_UNCORDON}, and what placement (deploy, drain) chooses by.
 *
 * <pre>
 * status := string nodeId, bool schedulable, i64 processMemoryBytes, i64 reservedBytes, i32 processCount,
 *           i64 allocatedBytes, i32 cpuLoadPermille
 * </pre>
 *
 * @param schedulable        false while the node is cordoned: it takes no new process, by deploy or migration
 * @param processMemoryBytes the node's process-memory capacity (its {@code --process-memory})
 * @param reservedBytes      the paged-memory capacities of the processes it hosts (and of those arriving), summed:
 *                           a process may grow to its capacity, so that much is promised to it
 * @param processCount       processes hosted (moving ones included until they have left)
 * @param allocatedBytes     off-heap memory those processes hold now (allocated chunks), at most {@code reservedBytes}
 * @param cpuLoadPermille    the node JVM's recent CPU use in thousandths of the machine (0..1000), -1 if unknown
 */
public record NodeStatus(String nodeId, boolean schedulable, long processMemoryBytes, long reservedBytes, int processCount,
                         long allocatedBytes, int cpuLoadPermille) {

    /** Process memory still free for new processes: capacity minus reservations, never negative. */
    public long freeBytes() {
        return Math.max(0, processMemoryBytes - reservedBytes);
    }

    /** The CPU load as a fraction 0..1 (-1 if unknown). */
    public double cpuLoad() {
        return cpuLoadPermille < 0 ? -1 : cpuLoadPermille / 1000.0;
    }

    /** The same status with more memory reserved (a move planned towards the node) and one more process. */
    public NodeStatus withReserved(long moreBytes) {
        return new NodeStatus(nodeId, schedulable, processMemoryBytes, reservedBytes + moreBytes, processCount + 1,
                allocatedBytes, cpuLoadPermille);
    }

    public void writeTo(BodyWriter w) {
        w.string(nodeId).bool(schedulable).i64(processMemoryBytes).i64(reservedBytes).i32(processCount).i64(allocatedBytes)
                .i32(cpuLoadPermille);
    }

    public static NodeStatus readFrom(BodyReader r) {
        return new NodeStatus(r.string(), r.bool(), r.i64(), r.i64(), r.i32(), r.i64(), r.i32());
    }
}
