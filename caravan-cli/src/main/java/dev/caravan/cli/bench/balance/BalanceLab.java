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
import dev.caravan.wire.node.LoadReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import org.HdrHistogram.Histogram;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Drives {@code caravan lab balance}: starts a local cluster (nodes balancing by request rate,
 * off at first), deploys the KV processes, and for each load level and mode: places the processes
 * as the level says (so many per node, each offered the same rate), runs paced clients for them,
 * measures latency with balancing off, turns the mode on in every node, and samples each node's
 * load, the placement and the balancers' probe counts until the cluster settles (no move for a
 * window, no node above the high threshold) or the run's time is up; each level × mode is run
 * {@code repeats} times and added up ({@link RepeatedRuns}). Used on one thread.
 */
public final class BalanceLab {
    /**
     * How a lab runs.
     *
     * @param nodes          cluster size
     * @param rateCapacity   commands/s of a full node (the balancers' rate metric)
     * @param processLoad    each process's offered load, a fraction of a node (its clients send
     *                       {@code processLoad × rateCapacity} commands/s)
     * @param high           overload threshold
     * @param low            idle threshold
     * @param probes         probe limit per decision
     * @param periodMs       balancer period
     * @param cooldownMs     per-process cooldown
     * @param beforeMs       latency window with balancing off
     * @param maxRunMs       longest a run may take to settle
     * @param settleMs       a run has settled after this long with no move (also the "after" latency window)
     * @param levels         load level → processes on each node at the start, in node order
     * @param repeats        runs of each level × mode
     */
    public record Settings(int nodes, long rateCapacity, double processLoad, double high, double low, int probes, long periodMs,
                           long cooldownMs, long beforeMs, long maxRunMs, long settleMs, Map<String, List<Integer>> levels,
                           int repeats) {
        List<String> nodeArgs() {
            return List.of("--balance", "off", "--balance-metric", "rate", "--balance-rate-capacity", Long.toString(rateCapacity),
                    "--balance-high", Double.toString(high), "--balance-low", Double.toString(low), "--balance-probes",
                    Integer.toString(probes), "--balance-period", periodMs + "ms", "--balance-cooldown", cooldownMs + "ms");
        }

        /** The processes the lab deploys: as many as the most crowded level uses. */
        int processes() {
            return levels.values().stream().mapToInt(c -> c.stream().mapToInt(Integer::intValue).sum()).max().orElse(0);
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
        try (LocalCluster cluster = LocalCluster.builder().allowUnsigned().nodes(settings.nodes()).workDir(workDir).switches(0)
                .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC")).nodeArgs(settings.nodeArgs()).start();
             ClusterProbe probe = new ClusterProbe(inOrder(cluster))) {
            List<String> nodes = cluster.nodeIds();
            Map<String, String> firstPlacement = placement(nodes, settings.levels().values().iterator().next());
            Map<String, InetSocketAddress> fronts = new LinkedHashMap<>();
            for (int i = 1; i <= settings.processes(); i++) {
                String name = "kv" + i;
                String node = firstPlacement.getOrDefault(name, nodes.getLast());
                try (NodeControl c = NodeControl.connect(cluster.nodeControls().get(node), "lab", "", Duration.ofSeconds(30))) {
                    ProcessInfo kv = c.start(new ProcessSpec(name, "kv", "", "", 64L << 20, Map.of()));
                    fronts.put(name, HostPort.parse(kv.front()));
                }
            }
            progress.accept(settings.processes() + " KV processes deployed; warming up the clients and nodes (3 s, not measured)...");
            PacedClients warmUp = new PacedClients(List.copyOf(fronts.values()), 50);
            try {
                park(3000);
            } finally {
                warmUp.close();
            }
            List<BalanceRun> runs = new ArrayList<>();
            for (var level : settings.levels().entrySet()) {
                for (String mode : modes) {
                    String png = String.format(Locale.ROOT, "balance-%s-%s.png", level.getKey(), mode);
                    RepeatedRuns repeated = new RepeatedRuns(mode, level.getKey(), png);
                    for (int i = 0; i < settings.repeats(); i++) {
                        repeated.add(runOnce(cluster, probe, fronts, level.getKey(), level.getValue(), mode, i == 0 ? png : null));
                    }
                    BalanceRun r = repeated.total();
                    progress.accept(String.format(Locale.ROOT, "%s load, %s, %d run(s): %d migration(s), %d probe(s) sent, %d wasted, "
                            + "%.1f per migration", level.getKey(), mode, r.repeats(), r.moves(), r.probesSent(), r.probesWasted(),
                            r.probesPerMove()));
                    runs.add(r);
                }
            }
            if (!cluster.loggedErrors().isEmpty()) {
                progress.accept("errors logged by the daemons:\n  " + String.join("\n  ", cluster.loggedErrors()));
            }
            return runs;
        }
    }

    /**
     * The highest offered load on a node with the processes where they are in {@code placement}:
     * the processes of {@code loaded} each offer {@link Settings#processLoad}, the others nothing.
     */
    private double maxOffered(Map<String, String> placement, Map<String, String> loaded) {
        Map<String, Integer> perNode = new LinkedHashMap<>();
        loaded.keySet().forEach(p -> perNode.merge(placement.getOrDefault(p, ""), 1, Integer::sum));
        return perNode.values().stream().mapToInt(Integer::intValue).max().orElse(0) * settings.processLoad();
    }

    /** The nodes' control addresses in the cluster's node order (n1, n2, ...). */
    private static Map<String, InetSocketAddress> inOrder(LocalCluster cluster) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        cluster.nodeIds().forEach(id -> out.put(id, cluster.nodeControls().get(id)));
        return out;
    }

    /** Process → node for {@code perNode} processes on each node, in order (kv1.. on the first node, and so on). */
    static Map<String, String> placement(List<String> nodes, List<Integer> perNode) {
        Map<String, String> out = new LinkedHashMap<>();
        int next = 1;
        for (int n = 0; n < nodes.size(); n++) {
            for (int i = 0; i < perNode.get(n); i++) {
                out.put("kv" + next++, nodes.get(n));
            }
        }
        return out;
    }

    /** One run from the level's placement; plots its load per node into {@code png} unless that is null. */
    private RepeatedRuns.Once runOnce(LocalCluster cluster, ClusterProbe probe, Map<String, InetSocketAddress> fronts, String level,
                                      List<Integer> perNode, String mode, String png) {
        probe.setMode("off");
        List<String> nodes = probe.nodes();
        Map<String, String> target = placement(nodes, perNode);
        arrange(cluster, probe, target);
        double perProcess = settings.processLoad() * settings.rateCapacity();
        progress.accept(String.format(Locale.ROOT, "%s load, %s: %s processes per node × %.0f commands/s (%.0f%% of a node each)",
                level, mode, perNode.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining("/")), perProcess,
                100 * settings.processLoad()));
        LoadTimeline timeline = new LoadTimeline(nodes);
        List<InetSocketAddress> used = target.keySet().stream().map(fronts::get).toList();
        try (PacedClients clients = new PacedClients(used, perProcess)) {
            long warmedUp = clock.nowMs() + 1000;
            long t0 = warmedUp + settings.beforeMs();
            // The first second is the clients' warm-up (connections, JIT): not counted.
            sampleUntil(probe, timeline, t0, warmedUp);
            clients.intervalLatencies();
            sampleUntil(probe, timeline, t0, t0);
            Histogram before = clients.intervalLatencies();
            long errorsBefore = clients.errors();
            sample(probe, timeline, -1);
            // Measured over the window with balancing off (one sample may catch clients catching up after a move).
            Map<String, Double> start = timeline.meanLoads(-settings.beforeMs(), 0);
            List<Double> startLoads = nodes.stream().map(n -> start.getOrDefault(n, 0.0)).toList();
            progress.accept("  starting loads (nodes, measured): " + String.join(", ", nodes.stream().map(n -> n + " "
                    + String.format(Locale.ROOT, "%.2f", start.getOrDefault(n, 0.0))).toList()));
            // Whether it must and can converge is judged on the offered loads, which do not jitter.
            BalanceRun.Convergence expected = perNode.stream().noneMatch(c -> c * settings.processLoad() > settings.high())
                    ? BalanceRun.Convergence.NONE_NEEDED
                    : target.size() * settings.processLoad() > settings.high() * nodes.size()
                    ? BalanceRun.Convergence.NOT_POSSIBLE : BalanceRun.Convergence.CONVERGED;
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
                boolean quiet = now - lastMoveAt >= settings.settleMs() && (movesSeen > 0 || expected != BalanceRun.Convergence.CONVERGED);
                boolean calm = maxOffered(timeline.lastPlacement(), target) <= settings.high();
                if (quiet && (calm || expected != BalanceRun.Convergence.CONVERGED) || now - t0 >= settings.maxRunMs()) {
                    break;
                }
                park(SAMPLE_MS);
            }
            long end = clock.nowMs() - t0;
            probe.setMode("off");
            long convergedAt = timeline.convergedAtMs(settings.settleMs(), end);
            boolean calmAtEnd = maxOffered(timeline.lastPlacement(), target) <= settings.high();
            BalanceRun.Convergence convergence = expected != BalanceRun.Convergence.CONVERGED ? expected
                    : convergedAt >= 0 && calmAtEnd ? BalanceRun.Convergence.CONVERGED : BalanceRun.Convergence.NOT_SETTLED;
            boolean converged = convergence == BalanceRun.Convergence.CONVERGED;
            LoadTimeline.Probes atStart = timeline.probesAt(-1);
            LoadTimeline.Probes untilConverged = timeline.probesAt(converged ? convergedAt : end).minus(atStart);
            double perSecAfter = converged && end > convergedAt
                    ? timeline.probesAt(end).minus(timeline.probesAt(convergedAt)).sent() * 1000.0 / (end - convergedAt) : Double.NaN;
            if (png != null) {
                plot(png, timeline, level, mode, startLoads);
            }
            RepeatedRuns.Once r = new RepeatedRuns.Once(startLoads, timeline.moves().size(),
                    timeline.pingPongs(settings.cooldownMs()).size(), convergence, converged ? convergedAt : -1, untilConverged,
                    perSecAfter, timeline.maxLoad(end - settings.settleMs(), end + 1), before, after,
                    clients.errors() - errorsBefore);
            progress.accept(String.format(Locale.ROOT, "  %d migration(s), %d probe(s) sent, %d wasted, %d ping-pong, %s, "
                            + "p99 %.1f ms before → %.1f ms after", r.moves(), untilConverged.sent(), untilConverged.wasted(),
                    r.pingPongs(), converged ? "converged after " + r.convergeMs() / 1000.0 + " s" : convergence.label(),
                    ms(before, 99), ms(after, 99)));
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
        Map<String, LoadReport> reports = probe.reports();
        Map<String, Double> loads = new LinkedHashMap<>();
        long sent = 0;
        long found = 0;
        for (LoadReport r : reports.values()) {
            loads.put(r.nodeId(), r.ratePermille() / 1000.0);
            sent += r.probesSent();
            found += r.probesFound();
        }
        timeline.add(atMs, loads, probe.placement(), new LoadTimeline.Probes(sent, found));
    }

    /**
     * Moves the processes of {@code target} to their nodes (stop-and-copy; balancing is off), to
     * start each run of a level alike; other processes stay where they are. A balancing migration
     * may still be ending: a process that is busy moving is asked again.
     */
    private void arrange(LocalCluster cluster, ClusterProbe probe, Map<String, String> target) {
        int moved = 0;
        for (int attempt = 0; attempt < 40; attempt++) {
            Map<String, String> now = probe.placement();
            Map<String, String> misplaced = new LinkedHashMap<>();
            target.forEach((p, node) -> {
                if (!node.equals(now.get(p))) {
                    misplaced.put(p, node);
                }
            });
            if (misplaced.isEmpty()) {
                break;
            }
            for (var e : misplaced.entrySet()) {
                String from = now.get(e.getKey());
                if (from == null) {
                    park(250); // between nodes: a balancing migration still ending
                    continue;
                }
                try {
                    NodeControl.migrate(cluster.nodeControls().get(from), "", new MigrationRequest(e.getKey(), e.getValue(),
                            MigrationMode.STOP_AND_COPY, 100, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(1));
                    moved++;
                } catch (CaravanException busy) {
                    park(250);
                }
            }
        }
        if (moved > 0) {
            progress.accept("placed the processes for the run (" + moved + " moved)");
        }
    }

    private void plot(String png, LoadTimeline timeline, String level, String mode, List<Double> startLoads) {
        List<Series> series = new ArrayList<>();
        timeline.seriesByNode().forEach((node, xy) -> series.add(new Series(node, xy[0], xy[1])));
        plots.line(png, "Load per node, " + mode + " at " + level + " load", Axis.linear("time since balancing on", "s"),
                Axis.linear("load (request rate ÷ node capacity)", "nodes"), series, "",
                String.format(Locale.ROOT, "offered load %.2f nodes on %d nodes; high threshold %.2f, low %.2f; negative time: "
                        + "balancing off", startLoads.stream().mapToDouble(Double::doubleValue).sum(), settings.nodes(),
                        settings.high(), settings.low()));
    }
    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }

    private static void park(long ms) {
        // Pacing the samples, not synchronisation: each sample reads the nodes' state as it is.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(ms));
    }
}
