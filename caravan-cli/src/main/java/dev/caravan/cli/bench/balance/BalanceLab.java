package dev.caravan.cli.bench.balance;

import dev.caravan.client.NodeControl;
import dev.caravan.core.time.Clock;
import dev.caravan.lab.balance.BalanceRun;
import dev.caravan.lab.balance.LoadTimeline;
import dev.caravan.lab.report.Plots;
import dev.caravan.launch.LocalCluster;
import dev.caravan.plot.Axis;
import dev.caravan.plot.Series;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives {@code caravan lab balance}: starts a local cluster (nodes balancing by request rate,
 * off at first), deploys every KV process on the first node, and for each load level and mode:
 * gathers the processes back on the first node, runs paced clients, measures latency with balancing
 * off, turns the mode on in every node, and samples each node's load and the placement until the
 * cluster settles (no move for a window, no node above the high threshold) or the run's time is up.
 * Used on one thread.
 */
public final class BalanceLab {
    /**
     * How a lab runs.
     *
     * @param nodes          cluster size
     * @param processes      KV processes, all deployed on the first node
     * @param rateCapacity   commands/s of a full node (the balancers' rate metric)
     * @param high           overload threshold
     * @param low            idle threshold
     * @param probes         nodes probed per decision
     * @param periodMs       balancer period
     * @param cooldownMs     per-process cooldown
     * @param beforeMs       latency window with balancing off
     * @param maxRunMs       longest a run may take to settle
     * @param settleMs       a run has settled after this long with no move (also the "after" latency window)
     * @param levels         load level → offered load in nodes (sum of the processes' loads)
     */
    public record Settings(int nodes, int processes, long rateCapacity, double high, double low, int probes, long periodMs,
                           long cooldownMs, long beforeMs, long maxRunMs, long settleMs, Map<String, Double> levels) {
        List<String> nodeArgs() {
            return List.of("--balance", "off", "--balance-metric", "rate", "--balance-rate-capacity", Long.toString(rateCapacity),
                    "--balance-high", Double.toString(high), "--balance-low", Double.toString(low), "--balance-probes",
                    Integer.toString(probes), "--balance-period", periodMs + "ms", "--balance-cooldown", cooldownMs + "ms");
        }
    }

    private static final long SAMPLE_MS = 500;
    private final Settings settings;
    private final Path workDir;
    private final Plots plots;
    private final Consumer<String> progress;
    private final Clock clock = Clock.system();

    public BalanceLab(Settings settings, Path workDir, Plots plots, Consumer<String> progress) {
        this.settings = settings;
        this.workDir = workDir;
        this.plots = plots;
        this.progress = progress;
    }

    /** Runs every level × mode; returns the runs in order. */
    public List<BalanceRun> run(List<String> modes) throws Exception {
        progress.accept("starting naming and " + settings.nodes() + " nodes (separate JVMs; balancing off)...");
        try (LocalCluster cluster = LocalCluster.builder().nodes(settings.nodes()).workDir(workDir).switches(0)
                .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC")).nodeArgs(settings.nodeArgs()).start();
             ClusterProbe probe = new ClusterProbe(cluster.nodeControls())) {
            String first = cluster.nodeIds().getFirst();
            List<InetSocketAddress> fronts = new ArrayList<>();
            try (NodeControl n1 = NodeControl.connect(cluster.nodeControls().get(first), "lab", "", Duration.ofSeconds(30))) {
                for (int i = 1; i <= settings.processes(); i++) {
                    ProcessInfo kv = n1.start(new ProcessSpec("kv" + i, "kv", "", "", 64L << 20, Map.of()));
                    fronts.add(HostPort.parse(kv.front()));
                }
            }
            progress.accept(settings.processes() + " KV processes deployed on " + first + "; warming up the clients and nodes "
                    + "(3 s, not measured)...");
            PacedClients warmUp = new PacedClients(fronts, 50);
            try {
                park(3000);
            } finally {
                warmUp.close();
            }
            List<BalanceRun> runs = new ArrayList<>();
            for (var level : settings.levels().entrySet()) {
                for (String mode : modes) {
                    runs.add(runOnce(cluster, probe, first, fronts, level.getKey(), level.getValue(), mode));
                }
            }
            if (!cluster.loggedErrors().isEmpty()) {
                progress.accept("errors logged by the daemons:\n  " + String.join("\n  ", cluster.loggedErrors()));
            }
            return runs;
        }
    }

    private BalanceRun runOnce(LocalCluster cluster, ClusterProbe probe, String first, List<InetSocketAddress> fronts,
                               String level, double offered, String mode) {
        probe.setMode("off");
        gather(cluster, probe, first);
        double perProcess = offered * settings.rateCapacity() / settings.processes();
        progress.accept(String.format(Locale.ROOT, "%s load, %s: %d processes × %.0f commands/s on %s (%.0f%% of a node each, "
                        + "%.0f%% of one node in all)", level, mode, settings.processes(), perProcess, first,
                100 * offered / settings.processes(), 100 * offered));
        LoadTimeline timeline = new LoadTimeline(probe.nodes());
        try (PacedClients clients = new PacedClients(fronts, perProcess)) {
            long warmedUp = clock.nowMs() + 1000;
            long t0 = warmedUp + settings.beforeMs();
            // The first second is the clients' warm-up (connections, JIT): not counted.
            sampleUntil(probe, timeline, t0, warmedUp);
            clients.intervalLatencies();
            sampleUntil(probe, timeline, t0, t0);
            Histogram before = clients.intervalLatencies();
            long errorsBefore = clients.errors();
            probe.setMode(mode);
            long lastMoveAt = t0;
            int movesSeen = 0;
            Histogram after = new Histogram(3);
            while (true) {
                long now = clock.nowMs();
                sample(probe, timeline, now - t0);
                if (timeline.moves().size() > movesSeen) {
                    movesSeen = timeline.moves().size();
                    lastMoveAt = now;
                    clients.intervalLatencies();
                    after = new Histogram(3);
                } else {
                    after.add(clients.intervalLatencies());
                }
                boolean quiet = now - lastMoveAt >= settings.settleMs() && movesSeen > 0;
                boolean calm = timeline.maxLoad(now - t0 - SAMPLE_MS, now - t0 + 1) <= settings.high();
                if (quiet && calm || now - t0 >= settings.maxRunMs()) {
                    break;
                }
                park(SAMPLE_MS);
            }
            long end = clock.nowMs() - t0;
            probe.setMode("off");
            String png = String.format(Locale.ROOT, "balance-%s-%s.png", level, mode);
            plot(png, timeline, level, mode, offered);
            BalanceRun r = new BalanceRun(mode, level, offered, timeline.moves().size(),
                    timeline.pingPongs(settings.cooldownMs()).size(), timeline.convergedAtMs(settings.settleMs(), end),
                    timeline.maxLoad(end - settings.settleMs(), end + 1), ms(before, 50), ms(before, 99), ms(after, 50),
                    ms(after, 99), clients.errors() - errorsBefore, png);
            progress.accept(String.format(Locale.ROOT, "  %d migration(s), %d ping-pong, %s, p99 %.1f ms before → %.1f ms after",
                    r.moves(), r.pingPongs(), r.convergeMs() < 0 ? "did not settle" : "settled after "
                            + r.convergeMs() / 1000.0 + " s", r.p99BeforeMs(), r.p99AfterMs()));
            return r;
        }
    }

    /** Samples every {@link #SAMPLE_MS} until the clock reaches {@code untilMs}; times relative to {@code t0}. */
    private void sampleUntil(ClusterProbe probe, LoadTimeline timeline, long t0, long untilMs) {
        while (clock.nowMs() < untilMs) {
            sample(probe, timeline, clock.nowMs() - t0);
            park(Math.min(SAMPLE_MS, Math.max(1, untilMs - clock.nowMs())));
        }
    }

    private static void sample(ClusterProbe probe, LoadTimeline timeline, long atMs) {
        timeline.add(atMs, probe.rateLoads(), probe.placement());
    }

    /**
     * Moves every process back to {@code first} (stop-and-copy; balancing is off), to start each run
     * alike. A balancing migration may still be ending: a process that is busy moving is asked again.
     */
    private void gather(LocalCluster cluster, ClusterProbe probe, String first) {
        int moved = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            Map<String, String> away = new java.util.LinkedHashMap<>(probe.placement());
            away.values().removeIf(first::equals);
            if (away.isEmpty()) {
                break;
            }
            for (var e : away.entrySet()) {
                try {
                    NodeControl.migrate(cluster.nodeControls().get(e.getValue()), "", new MigrationRequest(e.getKey(), first,
                            MigrationMode.STOP_AND_COPY, 100, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(1));
                    moved++;
                } catch (CaravanException busy) {
                    park(250);
                }
            }
        }
        if (moved > 0) {
            progress.accept("gathered " + moved + " process(es) back on " + first);
        }
    }

    private void plot(String png, LoadTimeline timeline, String level, String mode, double offered) {
        List<Series> series = new ArrayList<>();
        timeline.seriesByNode().forEach((node, xy) -> series.add(new Series(node, xy[0], xy[1])));
        plots.line(png, "Load per node, " + mode + " at " + level + " load", Axis.linear("time since balancing on", "s"),
                Axis.linear("load (request rate ÷ node capacity)", "nodes"), series, "",
                String.format(Locale.ROOT, "offered load %.2f nodes on %d nodes; high threshold %.2f, low %.2f; negative time: "
                        + "balancing off", offered, settings.nodes(), settings.high(), settings.low()));
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static void park(long ms) {
        // Pacing the samples, not synchronisation: each sample reads the nodes' state as it is.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }
}
