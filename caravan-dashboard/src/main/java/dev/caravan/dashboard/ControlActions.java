package dev.caravan.dashboard;

import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.client.NodeControl;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The page's actions — migrate, clone, checkpoint, drain — through the control API the CLI uses
 * (the same node operations, the same requests and defaults as {@code caravan migrate}, {@code clone},
 * {@code checkpoint}, {@code drain}). Each call checks its arguments at once and throws a
 * {@link CaravanException} with a one-line message when they are wrong (no such process or node,
 * a bad mode); otherwise it starts the action on a virtual thread of its own and returns its id;
 * the outcome appears in {@link #snapshot()} (and migrations in the {@link MigrationTracker}).
 * Keeps the last {@value #KEEP} actions. Thread-safe.
 */
public final class ControlActions implements Actions {
    static final int KEEP = 20;
    private static final Duration MIGRATION_TIMEOUT = Duration.ofMinutes(30);

    private final CaravanClient client;
    private final String token;
    private final MigrationTracker migrations;
    private final Path checkpointDir;
    private final LongSupplier clockMs;
    private final Map<Long, ActionView> actions = new LinkedHashMap<>();
    private long lastId;

    /**
     * @param token         the cluster token the dashboard holds ("" for none), for the node connections
     * @param checkpointDir where nodes write checkpoints (absolute: each node resolves it on its own file system)
     */
    public ControlActions(CaravanClient client, String token, MigrationTracker migrations, Path checkpointDir,
                          LongSupplier clockMs) {
        this.client = client;
        this.token = token;
        this.migrations = migrations;
        this.checkpointDir = checkpointDir.toAbsolutePath();
        this.clockMs = clockMs;
    }

    /** Moves {@code process} to node {@code to} in {@code mode} (CLI defaults: 50 ms downtime budget, 30 rounds). */
    @Override
    public long migrate(String process, String to, String mode) {
        return move(process, to, mode, false, "");
    }

    /** Forks a copy of {@code process} named {@code name} (default PROCESS-clone) onto node {@code to}. */
    @Override
    public long cloneProcess(String process, String to, String name, String mode) {
        return move(process, to, mode, true, name == null || name.isBlank() ? required("process", process) + "-clone" : name.trim());
    }

    private long move(String process, String to, String modeLabel, boolean cloning, String newName) {
        required("process", process);
        required("target node", to);
        MigrationMode mode = MigrationMode.parse(modeLabel == null || modeLabel.isBlank() ? "pre-copy" : modeLabel);
        if (cloning && mode.resumesEarly()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a clone is made stop-and-copy or pre-copy, not " + mode);
        }
        Location at = client.locate(process);
        nodeControl(to);
        if (!cloning && at.node().equals(to)) {
            throw ErrorCode.INVALID_ARGUMENT.exception(process + " already runs on " + to + "; pick another node");
        }
        MigrationRequest request = new MigrationRequest(process, to, mode, 50, 30, 2, cloning, newName, "");
        String kind = cloning ? "clone" : "migrate";
        long id = start(kind, process, (cloning ? "cloning " : "moving ") + process + " to " + to + " (" + mode + ")");
        long mig = migrations.begin(process, at.node(), to, mode.label(), cloning);
        Thread.ofVirtual().name(kind + "-" + process).start(() -> {
            try {
                MigrationReport r = NodeControl.migrate(at.control(), token, request, p -> migrations.onProgress(mig, p),
                        MIGRATION_TIMEOUT);
                migrations.onReport(mig, r);
                end(id, r.outcome().succeeded(), String.format(Locale.ROOT, "%s: %s %s → %s, downtime %.1f ms, total %d ms%s",
                        r.outcome(), cloning ? "cloned " + process + " as " + newName : process, r.fromNode(), r.toNode(),
                        r.downtimeMicros() / 1000.0, r.totalMs(), r.detail().isEmpty() ? "" : "; " + r.detail()));
            } catch (RuntimeException e) {
                migrations.onFailed(mig, oneLine(e));
                end(id, false, oneLine(e));
            }
        });
        return id;
    }

    /** Writes a checkpoint of {@code process} (on the node that hosts it, under the checkpoint directory). */
    @Override
    public long checkpoint(String process) {
        required("process", process);
        Location at = client.locate(process);
        String stamp = java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                .format(java.time.Instant.ofEpochMilli(clockMs.getAsLong()));
        Path file = checkpointDir.resolve(process + "-epoch" + at.epoch() + "-" + stamp + ".ckpt");
        long id = start("checkpoint", process, "checkpointing " + process + " on " + at.node());
        Thread.ofVirtual().name("checkpoint-" + process).start(() -> {
            try (FrameClient c = FrameClient.connect(at.control(), new Hello("dashboard", token), Duration.ofSeconds(30),
                    f -> progress(id, "checkpointing " + process + ": " + MigrationProgress.readFrom(f.reader()).phase()),
                    dev.caravan.wire.net.ClientTransport.current())) {
                MigrationReport r = MigrationReport.readFrom(c.call(Op.NODE_CHECKPOINT,
                        new BodyWriter().string(process).string(file.toString()).toBytes(), MIGRATION_TIMEOUT).expectOk());
                end(id, true, String.format(Locale.ROOT, "checkpointed %s on %s to %s (frozen %.1f ms)", process, r.fromNode(),
                        r.detail(), r.downtimeMicros() / 1000.0));
            } catch (RuntimeException e) {
                end(id, false, oneLine(e));
            }
        });
        return id;
    }

    /** Cordons {@code node} and moves every process off it ({@code caravan drain}'s defaults: 10 min, 2 at once). */
    @Override
    public long drain(String node, String modeLabel) {
        required("node", node);
        MigrationMode mode = MigrationMode.parse(modeLabel == null || modeLabel.isBlank() ? "pre-copy" : modeLabel);
        InetSocketAddress control = nodeControl(node);
        DrainRequest request = new DrainRequest(mode, 50, 600_000, 2);
        long id = start("drain", node, "draining " + node + " (" + mode + ")");
        Thread.ofVirtual().name("drain-" + node).start(() -> {
            try (FrameClient c = FrameClient.connect(control, new Hello("dashboard", token), Duration.ofSeconds(10),
                    f -> progress(id, DrainStep.readFrom(f.reader()).describe()), dev.caravan.wire.net.ClientTransport.current())) {
                BodyWriter w = new BodyWriter();
                request.writeTo(w);
                DrainReport r = DrainReport.readFrom(c.call(Op.NODE_DRAIN, w.toBytes(),
                        Duration.ofMillis(request.timeoutMs()).plusMinutes(2)).expectOk());
                long moved = r.processes().size() - r.stayed().size();
                end(id, r.drained(), r.drained()
                        ? "drained " + node + ": " + moved + " process(es) moved in " + r.totalMs() + " ms; it stays cordoned"
                        : "drain of " + node + " failed: " + r.detail() + "; " + moved + " moved, " + r.stayed().size() + " stay");
            } catch (RuntimeException e) {
                end(id, false, oneLine(e));
            }
        });
        return id;
    }

    private InetSocketAddress nodeControl(String node) {
        Map<String, InetSocketAddress> nodes = client.nodes();
        InetSocketAddress a = nodes.get(node);
        if (a == null) {
            throw ErrorCode.NOT_FOUND.exception("no node '" + node + "'; nodes: " + String.join(", ", nodes.keySet()));
        }
        return a;
    }

    private static String required(String what, String value) {
        if (value == null || value.isBlank()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("say which " + what);
        }
        return value.trim();
    }

    /** The message of a failure on one line. */
    static String oneLine(RuntimeException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ");
    }

    private synchronized long start(String kind, String subject, String message) {
        long id = ++lastId;
        actions.put(id, new ActionView(id, kind, subject, "running", message, clockMs.getAsLong(), -1));
        while (actions.size() > KEEP) {
            actions.remove(actions.keySet().iterator().next());
        }
        return id;
    }

    private synchronized void progress(long id, String message) {
        ActionView a = actions.get(id);
        if (a != null && a.endMs() < 0) {
            actions.put(id, new ActionView(id, a.kind(), a.subject(), "running", message, a.startMs(), -1));
        }
    }

    private synchronized void end(long id, boolean ok, String message) {
        ActionView a = actions.get(id);
        if (a != null) {
            actions.put(id, new ActionView(id, a.kind(), a.subject(), ok ? "ok" : "failed", message, a.startMs(),
                    clockMs.getAsLong()));
        }
    }

    /** The actions kept, oldest first. */
    @Override
    public synchronized List<ActionView> snapshot() {
        return new ArrayList<>(actions.values());
    }
}
