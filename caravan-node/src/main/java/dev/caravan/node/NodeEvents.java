package dev.caravan.node;

import dev.caravan.migration.MigrationListener;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessSpec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A node's lifecycle steps as {@link dev.caravan.observe.Event}s in its ring (served at its admin
 * port's {@code /events}): its processes deployed, started, stopped and failed; migrations and
 * clones it sends and receives, phase by phase; checkpoints and restores; cordon, drain, lease
 * loss and stopping. The kinds and fields are listed in {@code docs/operating.md} ("Events").
 * Numbers in fields are in base units (bytes, ms), as decimal strings.
 *
 * <p>Thread-safe: called from control connections, migration threads and the node's ticker.
 */
final class NodeEvents implements MigrationListener {
    private final EventLog log;
    private final String nodeId;

    NodeEvents(EventLog log, String nodeId) {
        this.log = log;
        this.nodeId = nodeId;
    }

    // ---- processes ---------------------------------------------------------------------------

    void deployed(ProcessSpec spec, String dataAddress, String front) {
        String code = !spec.sample().isEmpty() ? "sample " + spec.sample() : spec.className();
        log.publish(EventKind.PROCESS_DEPLOYED, spec.name(), spec.name() + " deployed on " + nodeId + " (" + code + ", "
                        + mib(spec.memoryBytes()) + " memory)",
                fields("node", nodeId, "code", code, "memoryBytes", spec.memoryBytes()));
        log.publish(EventKind.PROCESS_STARTED, spec.name(), spec.name() + " started on " + nodeId + ": DATA ENDPOINT " + dataAddress
                + ", FRONT " + (front.isEmpty() ? "-" : front), fields("node", nodeId, "data", dataAddress, "front", front));
    }

    /** Carries the slice of the spec: the name may be another slice's process (not this one's to tag). */
    void startFailed(ProcessSpec spec, String why) {
        String name = spec.name();
        log.publish(EventKind.PROCESS_FAILED, name, name + " failed to start on " + nodeId + ": " + why,
                fields("node", nodeId, "reason", why, "slice", spec.config().getOrDefault(
                        dev.caravan.wire.node.SecuritySettings.SLICE, "")));
    }

    void stopped(String name, dev.caravan.wire.node.StopReply reply) {
        log.publish(EventKind.PROCESS_STOPPED, name, reply.stopped() ? name + " stopped on " + nodeId
                : name + " did not stop on " + nodeId + ": " + reply.detail(), fields("node", nodeId, "stopped", reply.stopped()));
    }

    void failed(String name, String why) {
        log.publish(EventKind.PROCESS_FAILED, name, name + " failed on " + nodeId + ": " + why, fields("node", nodeId, "reason", why));
    }

    /** A request refused by role, slice or requester: subject the caller, fields {@code op}, {@code identity}, {@code slice}. */
    void refused(dev.caravan.wire.security.Identity who, String op, String why) {
        String name = who == null ? "unauthenticated" : who.name();
        log.publish(EventKind.REQUEST_REFUSED, name, "node " + nodeId + " refused " + op + ": " + why,
                fields("node", nodeId, "op", op, "identity", name, "role", who == null ? "" : who.role().label(),
                        "slice", who == null ? "" : who.slice(), "reason", why));
    }

    // ---- the node ------------------------------------------------------------------------------

    void started(String control, String admin) {
        log.publish(EventKind.DAEMON_STARTED, nodeId, "node " + nodeId + " started: control " + control
                + (admin.isEmpty() ? "" : ", admin " + admin), fields("control", control, "admin", admin));
    }

    void schedulable(boolean schedulable) {
        log.publish(schedulable ? EventKind.NODE_UNCORDONED : EventKind.NODE_CORDONED, nodeId, schedulable
                ? "node " + nodeId + " uncordoned: it takes new processes again" : "node " + nodeId + " cordoned: it takes no new process",
                Map.of());
    }

    void drainBegun(int processes, String mode, long timeoutMs) {
        log.publish(EventKind.NODE_DRAIN_BEGUN, nodeId, "draining node " + nodeId + ": " + processes + " process(es) to move ("
                + mode + ", within " + timeoutMs + " ms)", fields("processes", processes, "mode", mode, "timeoutMs", timeoutMs));
    }

    void drained(DrainReport report) {
        int stayed = report.stayed().size();
        int moved = report.processes().size() - stayed;
        log.publish(EventKind.NODE_DRAINED, nodeId, report.drained() ? "node " + nodeId + " drained: " + moved
                        + " process(es) moved, it is empty" : "drain of " + nodeId + " ended with " + stayed + " process(es) left: "
                        + report.detail(),
                fields("moved", moved, "stayed", stayed, "drained", report.drained(), "totalMs", report.totalMs()));
    }

    void leaseLost(long leaseMs) {
        log.publish(EventKind.LEASE_LOST, nodeId, "node " + nodeId + " lost its naming lease (not renewed within " + leaseMs
                + " ms): it answers for no process until it renews", fields("leaseMs", leaseMs));
    }

    void leaseRegained() {
        log.publish(EventKind.NOTICE, nodeId, "node " + nodeId + " holds a naming lease again and answers for its processes",
                Map.of());
    }

    /** The node is stopping: {@code message} says why and what becomes of its processes. */
    void stopping(String message, int processes) {
        log.publish(EventKind.DAEMON_STOPPING, nodeId, message, fields("processes", processes));
    }

    // ---- migrations (MigrationListener) ---------------------------------------------------------

    @Override
    public void onOutgoingBegun(MigrationRequest r) {
        String mode = r.mode().toString();
        log.publish(EventKind.MIGRATION_BEGUN, r.name(), r.cloning()
                        ? "cloning " + r.name() + " as " + r.newName() + " from " + nodeId + " to " + r.toNode() + " (" + mode + ")"
                        : "migrating " + r.name() + " from " + nodeId + " to " + r.toNode() + " (" + mode + ")",
                fields("role", "source", "from", nodeId, "to", r.toNode(), "mode", mode, "clone", r.cloning(),
                        "newName", r.newName(), "maxDowntimeMs", r.maxDowntimeMs()));
    }

    @Override
    public void onOutgoingPhase(MigrationRequest r, MigrationProgress p) {
        if (p.phase() == MigrationPhase.DONE || p.phase() == MigrationPhase.ROLLED_BACK || p.phase() == MigrationPhase.FAILED) {
            return; // The end is its own event, with the report.
        }
        String what = p.phase() == MigrationPhase.ROUNDS ? "pre-copy round " + p.round() : p.phase().label();
        log.publish(EventKind.MIGRATION_PHASE, r.name(), r.name() + " → " + r.toNode() + ": " + what + " (sent "
                        + mib(p.bytesSent()) + ", " + p.remainingPages() + " pages left)",
                fields("role", "source", "to", r.toNode(), "phase", p.phase().label(), "round", p.round(), "bytes", p.bytesSent(),
                        "pagesSent", p.pagesSent(), "remainingPages", p.remainingPages(), "dirtyPages", p.dirtyPages(),
                        "bandwidthBytesPerSec", p.bandwidthBytesPerSec(), "elapsedMs", p.elapsedMs()));
    }

    @Override
    public void onOutgoingEnded(MigrationRequest r, MigrationReport m) {
        if (m == null) {
            log.publish(EventKind.MIGRATION_ROLLED_BACK, r.name(), (r.cloning() ? "clone of " : "migration of ") + r.name()
                    + " to " + r.toNode() + " ended without a report (interrupted on " + nodeId + ")",
                    fields("role", "source", "from", nodeId, "to", r.toNode()));
            return;
        }
        Map<String, String> f = fields("role", "source", "from", nodeId, "to", r.toNode(), "mode", m.mode().toString(),
                "outcome", m.outcome().label(), "downtimeMs", m.downtimeMicros() / 1000, "downtimeMicros", m.downtimeMicros(),
                "bytes", m.bytesSent(), "rounds", m.rounds(), "totalMs", m.totalMs(), "epoch", m.epoch());
        String downtime = String.format(Locale.ROOT, "%.1f ms", m.downtimeMicros() / 1000.0);
        MigrationOutcome o = m.outcome();
        if (o == MigrationOutcome.COMMITTED) {
            log.publish(EventKind.MIGRATION_COMMITTED, r.name(), r.name() + " moved from " + nodeId + " to " + r.toNode()
                    + ": downtime " + downtime + ", " + mib(m.bytesSent()) + " sent in " + m.totalMs() + " ms", f);
        } else if (o == MigrationOutcome.CLONED) {
            log.publish(EventKind.PROCESS_CLONED, r.name(), r.name() + " cloned as " + r.newName() + " on " + r.toNode() + ": "
                    + mib(m.bytesSent()) + " sent, " + r.name() + " paused " + downtime, withNewName(f, r.newName()));
        } else if (o == MigrationOutcome.RESUMED_AT_SOURCE || o == MigrationOutcome.CANCELLED) {
            log.publish(EventKind.MIGRATION_ROLLED_BACK, r.name(), (r.cloning() ? "clone" : "migration") + " of " + r.name()
                    + " to " + r.toNode() + " rolled back (" + o.label() + "): " + m.detail() + "; it runs on " + nodeId, f);
        } else {
            log.publish(EventKind.PROCESS_FAILED, r.name(), "migration of " + r.name() + " to " + r.toNode() + " ended "
                    + o.label() + ": " + m.detail(), f);
        }
    }

    @Override
    public void onCheckpointed(String name, Path path, MigrationReport m) {
        log.publish(EventKind.PROCESS_CHECKPOINTED, name, name + " checkpointed on " + nodeId + " to " + path + " ("
                        + mib(m.bytesSent()) + ", paused " + String.format(Locale.ROOT, "%.1f ms", m.downtimeMicros() / 1000.0) + ")",
                fields("node", nodeId, "path", path.toString(), "bytes", m.bytesSent(), "downtimeMs", m.downtimeMicros() / 1000));
    }

    @Override
    public void onArrivalBegun(String name, String sourceNode, long epoch) {
        log.publish(EventKind.MIGRATION_BEGUN, name, restore(sourceNode) ? "restoring " + name + " from a checkpoint on " + nodeId
                        : name + " arriving on " + nodeId + " from " + sourceNode,
                fields("role", "destination", "from", sourceNode, "to", nodeId, "epoch", epoch));
    }

    @Override
    public void onArrivalCommitted(String name, String sourceNode, long epoch) {
        if (restore(sourceNode)) {
            log.publish(EventKind.PROCESS_RESTORED, name, name + " restored from a checkpoint: it runs on " + nodeId,
                    fields("node", nodeId, "from", sourceNode, "epoch", epoch));
            return;
        }
        log.publish(EventKind.PROCESS_ARRIVED, name, name + " arrived on " + nodeId + " from " + sourceNode + " (epoch " + epoch
                + "): it runs here now", fields("node", nodeId, "from", sourceNode, "epoch", epoch));
    }

    @Override
    public void onArrivalAborted(String name, String sourceNode, String why) {
        log.publish(EventKind.MIGRATION_ROLLED_BACK, name, "arrival of " + name + " from " + sourceNode + " on " + nodeId
                + " dropped: " + why, fields("role", "destination", "from", sourceNode, "to", nodeId, "reason", why));
    }

    private static boolean restore(String sourceNode) {
        return "checkpoint".equals(sourceNode);
    }

    private static Map<String, String> withNewName(Map<String, String> f, String newName) {
        Map<String, String> m = new LinkedHashMap<>(f);
        m.put("newName", newName);
        return m;
    }

    /** Fields from alternating names and values (values written with String.valueOf). */
    static Map<String, String> fields(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(String.valueOf(kv[i]), String.valueOf(kv[i + 1]));
        }
        return m;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
