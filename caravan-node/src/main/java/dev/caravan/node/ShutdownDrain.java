package dev.caravan.node;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.NodeStatus;

import java.util.List;

/**
 * What a node does on SIGTERM before it stops: drain itself when the cluster has room (another
 * schedulable node answers), within a grace period, and say every outcome — logged at INFO and
 * published as a {@code daemon-stopping} event: each process moved where, or why the processes
 * are stopped with the node. Runs once, on the shutdown thread.
 */
final class ShutdownDrain {
    private final NodeDaemon node;
    private final System.Logger log;
    private final String why;

    /** @param why what asked the node to stop, as it reads after "node n1 " ("got SIGTERM") */
    ShutdownDrain(NodeDaemon node, System.Logger log, String why) {
        this.node = node;
        this.log = log;
        this.why = why;
    }

    void run(long graceMs) throws InterruptedException {
        // Its own processes and its sandboxes' (which a drain moves to other hosts' sandboxes of their slices).
        List<String> hosted = new java.util.ArrayList<>(node.hostedCapacities().keySet());
        try {
            hosted.addAll(node.sandboxedProcesses());
        } catch (CaravanException e) {
            // Naming does not answer: the peers' check below says so.
        }
        String names = String.join(", ", hosted);
        if (hosted.isEmpty()) {
            say("no processes to move", 0);
            return;
        }
        if (graceMs <= 0) {
            say("drain on shutdown is off (--drain-grace 0): stopping " + hosted.size() + " process(es): " + names, hosted.size());
            return;
        }
        List<NodeStatus> peers;
        try {
            peers = new NodeEvacuationHost(node).peers();
        } catch (CaravanException e) {
            say("cannot see the cluster (" + e.getMessage() + "); no room: stopping " + hosted.size() + " process(es): " + names,
                    hosted.size());
            return;
        }
        if (peers.stream().noneMatch(NodeStatus::schedulable)) {
            say("no other schedulable node; no room: stopping " + hosted.size() + " process(es): " + names, hosted.size());
            return;
        }
        say("draining " + hosted.size() + " process(es) first (" + names + "), within " + graceMs + " ms", hosted.size());
        DrainReport report;
        try {
            report = node.drain(new DrainRequest(MigrationMode.PRE_COPY, 50, graceMs, 2), step -> { });
        } catch (CaravanException e) {
            int left = node.hostedCapacities().size();
            say("could not drain (" + e.getMessage() + "); stopping " + left + " process(es)", left);
            return;
        }
        List<DrainStep> stayed = report.stayed();
        if (report.drained()) {
            say("drained, every process runs elsewhere", 0);
        } else {
            say("no room for " + stayed.size() + " process(es): stopping " + String.join(", ", stayed.stream().map(DrainStep::name)
                    .toList()), stayed.size());
        }
    }

    private void say(String what, int processes) {
        String line = "node " + node.nodeId() + " " + why + ": " + what;
        log.log(System.Logger.Level.INFO, line);
        node.nodeEvents().stopping(line, processes);
    }
}
