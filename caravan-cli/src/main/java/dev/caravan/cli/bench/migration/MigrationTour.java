package dev.caravan.cli.bench.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.client.NodeControl;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Moves one running process around a cluster, one migration per mode (n1 → n2 → n3 → n1 …),
 * while {@link SteadyClients} and a {@link DirtyingWriter} keep using it through its stable
 * front endpoint; after each migration it checks that no acknowledged write was lost.
 *
 * <p>The same process moves on from mode to mode, keeping its data: no reload between modes.
 * Not thread-safe: one thread drives the tour.
 */
public final class MigrationTour {
    private final String process;
    private final Map<String, InetSocketAddress> controls;
    private final List<String> nodes;
    private final InetSocketAddress front;
    private final SteadyClients clients;
    private final DirtyingWriter writer;
    private final FailureLog failures;
    private final long maxDowntimeMs;
    private final long settleMs;
    private final Consumer<String> log;
    private String at;
    private long lastMarkNs = Clock.system().nanoTime();

    /**
     * @param nodes    the nodes to visit in order, starting with the one the process is on
     * @param settleMs how long to wait after each migration before the next (the figure shows it)
     */
    public MigrationTour(String process, Map<String, InetSocketAddress> controls, List<String> nodes, InetSocketAddress front,
                         SteadyClients clients, DirtyingWriter writer, FailureLog failures, long maxDowntimeMs, long settleMs,
                         Consumer<String> log) {
        this.process = process;
        this.controls = Map.copyOf(controls);
        this.nodes = List.copyOf(nodes);
        this.front = front;
        this.clients = clients;
        this.writer = writer;
        this.failures = failures;
        this.maxDowntimeMs = maxDowntimeMs;
        this.settleMs = settleMs;
        this.log = log;
        this.at = nodes.getFirst();
    }

    /** Marks the start of the quiet period the first migration's figure begins with. */
    public void markStart() {
        lastMarkNs = Clock.system().nanoTime();
    }

    /** Migrates the process to the next node in {@code mode}, then waits and verifies. */
    public ModeResult migrate(MigrationMode mode, Consumer<MigrationProgress> progress) throws IOException, InterruptedException {
        String to = nodes.get((nodes.indexOf(at) + 1) % nodes.size());
        log.accept(String.format("%s: migrating %s %s -> %s ...", mode.label(), process, at, to));
        long ackedBefore = writer.acknowledged();
        long start = Clock.system().nanoTime();
        MigrationReport report = NodeControl.migrate(controls.get(at), "",
                new MigrationRequest(process, to, mode, maxDowntimeMs, 30, 2, false, "", ""), progress, Duration.ofMinutes(10));
        long end = Clock.system().nanoTime();
        double writerRate = (writer.acknowledged() - ackedBefore) * 1e9 / Math.max(1, end - start);
        if (report.outcome() == dev.caravan.wire.node.MigrationOutcome.COMMITTED) {
            at = to;
        }
        log.accept(String.format("%s: %s in %.2f s, downtime %.1f ms; verifying acknowledged writes at the front endpoint ...",
                mode.label(), report.outcome(), report.totalMs() / 1000.0, report.downtimeMicros() / 1000.0));
        Thread.sleep(settleMs);
        List<String> lost = writer.verify(front, 32);
        long settled = Clock.system().nanoTime();
        List<FailureLog.Failure> failed = failures.between(lastMarkNs, settled);
        long plotFrom = Math.max(lastMarkNs, start - 2_000_000_000L);
        long plotTo = Math.min(settled, end + Math.max(2_000_000_000L, (end - start) / 5));
        ModeResult r = new ModeResult(report, start, end, clients.samples(start, end), clients.samples(plotFrom, plotTo),
                failed, lost, writerRate);
        lastMarkNs = settled;
        log.accept(String.format("%s: %d acknowledged writes lost, %d failed requests", mode.label(), lost.size(), failed.size()));
        return r;
    }

    /** Where the process is now. */
    public String node() {
        return at;
    }

    /** Runs every mode in order. */
    public List<ModeResult> runAll(List<MigrationMode> modes, Consumer<MigrationProgress> progress)
            throws IOException, InterruptedException {
        List<ModeResult> out = new ArrayList<>();
        for (MigrationMode m : modes) {
            out.add(migrate(m, progress));
        }
        return out;
    }
}
