package dev.caravan.node;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.NodeStatus;

import java.util.List;
import java.util.Map;

/**
 * What a node does on SIGTERM before it stops: drain itself when the cluster has room (another
 * schedulable node answers), within a grace period, and log every outcome at INFO — each process
 * moved where, or why the processes are stopped with the node. Runs once, on the shutdown thread.
 */
final class ShutdownDrain {
    private final NodeDaemon node;
    private final System.Logger log;

    ShutdownDrain(NodeDaemon node, System.Logger log) {
        this.node = node;
        this.log = log;
    }

    void run(long graceMs) throws InterruptedException {
        Map<String, Long> hosted = node.hostedCapacities();
        String id = node.nodeId();
        if (hosted.isEmpty()) {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: no processes to move");
            return;
        }
        if (graceMs <= 0) {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: drain on shutdown is off (--drain-grace 0): stopping "
                    + hosted.size() + " process(es): " + String.join(", ", hosted.keySet()));
            return;
        }
        List<NodeStatus> peers;
        try {
            peers = new NodeEvacuationHost(node).peers();
        } catch (CaravanException e) {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: cannot see the cluster (" + e.getMessage()
                    + "); no room: stopping " + hosted.size() + " process(es): " + String.join(", ", hosted.keySet()));
            return;
        }
        if (peers.stream().noneMatch(NodeStatus::schedulable)) {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: no other schedulable node; no room: stopping "
                    + hosted.size() + " process(es): " + String.join(", ", hosted.keySet()));
            return;
        }
        log.log(System.Logger.Level.INFO, "node " + id + " stopping: draining " + hosted.size() + " process(es) first, within "
                + graceMs + " ms");
        DrainReport report;
        try {
            report = node.drain(new DrainRequest(MigrationMode.PRE_COPY, 50, graceMs, 2), step -> { });
        } catch (CaravanException e) {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: could not drain (" + e.getMessage() + "); stopping "
                    + node.hostedCapacities().size() + " process(es)");
            return;
        }
        List<DrainStep> stayed = report.stayed();
        if (report.drained()) {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: drained, every process runs elsewhere");
        } else {
            log.log(System.Logger.Level.INFO, "node " + id + " stopping: no room for " + stayed.size() + " process(es): stopping "
                    + String.join(", ", stayed.stream().map(DrainStep::name).toList()));
        }
    }
}
