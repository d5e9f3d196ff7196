package dev.caravan.dashboard;

import java.util.List;

/**
 * What the dashboard knows of the cluster at one instant: its nodes and the processes on them,
 * with rates computed between two polls. Immutable. Serialized as JSON by Jackson, so the record
 * components are the JSON members (units in their names).
 *
 * @param timeMs    when the poll ended, ms since the epoch
 * @param nodes     every node registered in naming, by id
 * @param processes every process the nodes listed, by name then node
 */
public record ClusterSnapshot(long timeMs, List<NodeView> nodes, List<ProcessView> processes) {
    /** Nothing known yet. */
    public static final ClusterSnapshot EMPTY = new ClusterSnapshot(0, List.of(), List.of());

    /**
     * One node.
     *
     * @param control            its control endpoint, host:port
     * @param admin              its admin port, host:port ("" if it announces none)
     * @param unreachable        why it did not answer the last poll ("" when it did; then the rest is from that answer)
     * @param schedulable        false while cordoned
     * @param processMemoryBytes capacity for processes' memory
     * @param reservedBytes      promised to the processes it hosts
     * @param allocatedBytes     held by them now
     * @param cpuLoad            the node JVM's CPU use as a fraction of the machine, -1 if unknown
     * @param processes          names of the processes it hosts
     */
    public record NodeView(String id, String control, String admin, String unreachable, boolean schedulable,
                           long processMemoryBytes, long reservedBytes, long allocatedBytes, double cpuLoad,
                           List<String> processes) {
    }

    /**
     * One process on one node.
     *
     * @param requestsPerSec   commands served per second since the previous poll (-1 on the first poll)
     * @param dirtyPagesPerSec growth of its dirty-page count per second since the previous poll (-1 on the first
     *                         poll; 0 when the count shrank, as a migration round clears it)
     * @param latencyMs        median client response time over the last second, from the dashboard's probe (-1: none)
     */
    public record ProcessView(String name, String node, String state, long epoch, String front, long memoryBytes,
                              long allocatedPages, long dirtyPages, long commandsServed, int queuedCommands,
                              double requestsPerSec, double dirtyPagesPerSec, double latencyMs, String stateDetail) {
    }
}
