package dev.caravan.node;

import dev.caravan.wire.node.NodeStatus;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;

/**
 * Where a new or moving process goes: the schedulable node with the most free process memory
 * that fits it, ties broken by the lower CPU load, then by node id (so the choice is
 * reproducible). Used by the {@link Evacuator} for a drain's destinations and by
 * {@code caravan deploy} for its default node. Pure; thread-safe.
 *
 * <p>Free memory is {@link NodeStatus#freeBytes()}: the node's {@code --process-memory} minus
 * the paged-memory capacities of the processes it hosts. A process "fits" when its own
 * capacity is at most that. An unknown load (-1) counts as the highest.
 */
public final class Placement {
    private static final Comparator<NodeStatus> BEST_FIRST = Comparator
            .comparingLong(NodeStatus::freeBytes).reversed()
            .thenComparingInt(s -> s.cpuLoadPermille() < 0 ? Integer.MAX_VALUE : s.cpuLoadPermille())
            .thenComparing(NodeStatus::nodeId);

    private Placement() {
    }

    /**
     * The best node for a process of {@code needBytes} capacity among {@code nodes}, leaving out
     * unschedulable ones and those in {@code exclude}; empty when none has room.
     */
    public static Optional<NodeStatus> choose(Collection<NodeStatus> nodes, long needBytes, Set<String> exclude) {
        return nodes.stream()
                .filter(NodeStatus::schedulable)
                .filter(s -> !exclude.contains(s.nodeId()))
                .filter(s -> s.freeBytes() >= needBytes)
                .min(BEST_FIRST);
    }

    /** Why {@link #choose} found nothing, in one line ("no schedulable node", or the largest free memory seen). */
    public static String whyNoRoom(Collection<NodeStatus> nodes, long needBytes, Set<String> exclude) {
        Optional<NodeStatus> roomiest = nodes.stream().filter(NodeStatus::schedulable)
                .filter(s -> !exclude.contains(s.nodeId())).min(BEST_FIRST);
        if (roomiest.isEmpty()) {
            return exclude.isEmpty() ? "no other schedulable node" : "no other schedulable node than " + String.join(", ", exclude);
        }
        NodeStatus r = roomiest.get();
        return "no schedulable node has " + mib(needBytes) + " free (most: " + r.nodeId() + " with " + mib(r.freeBytes()) + ")";
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + " MiB";
    }
}
