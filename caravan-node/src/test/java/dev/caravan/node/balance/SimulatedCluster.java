package dev.caravan.node.balance;

import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.LoadReport;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.PreCopyStop;
import dev.caravan.wire.node.PullRequest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Balancers of several fake nodes wired to one another, on one manual clock: each process serves a
 * fixed number of commands per second wherever it is; a migration commits at once (or, for nodes
 * in {@link #slowMigrations}, when the test completes it). Records every move.
 */
final class SimulatedCluster {
    record Move(String process, String from, String to, long atMs) {
    }

    final ManualClock clock = new ManualClock(1_000_000);
    final Map<String, Map<String, Double>> placement = new LinkedHashMap<>();
    final Map<String, Balancer> balancers = new LinkedHashMap<>();
    final Map<String, Integer> probesBy = new LinkedHashMap<>();
    final List<Move> moves = new ArrayList<>();
    final Set<String> down = new java.util.HashSet<>();
    final Set<String> slowMigrations = new java.util.HashSet<>();
    final List<String> events = new ArrayList<>();
    private final Map<String, Double> servedSoFar = new LinkedHashMap<>();
    private long lastAdvanceMs = clock.nowMs();

    SimulatedCluster(BalanceSettings settings, String... nodes) {
        SplittableRandom seeds = new SplittableRandom(42);
        for (String n : nodes) {
            placement.put(n, new LinkedHashMap<>());
            balancers.put(n, new Balancer(new Host(n), settings, clock, seeds.split(), new Recorder(n)));
        }
    }

    void place(String node, String process, double commandsPerSec) {
        placement.get(node).put(process, commandsPerSec);
        servedSoFar.putIfAbsent(process, 0.0);
    }

    /** Advances the clock by {@code ms}, counting the commands each process served meanwhile. */
    void advance(long ms) {
        clock.advanceMs(ms);
        double seconds = (clock.nowMs() - lastAdvanceMs) / 1000.0;
        lastAdvanceMs = clock.nowMs();
        placement.values().forEach(ps -> ps.forEach((p, rate) -> servedSoFar.merge(p, rate * seconds, Double::sum)));
    }

    /** One period on every node, in order. */
    void period(long periodMs) {
        advance(periodMs);
        balancers.forEach((n, b) -> {
            if (!down.contains(n)) {
                b.doWork();
            }
        });
    }

    double rateOf(String node) {
        return placement.get(node).values().stream().mapToDouble(Double::doubleValue).sum();
    }

    String where(String process) {
        return placement.entrySet().stream().filter(e -> e.getValue().containsKey(process)).findFirst().orElseThrow().getKey();
    }

    static MigrationReport report(String name, String from, String to, MigrationOutcome outcome) {
        return new MigrationReport(name, from, to, MigrationMode.PRE_COPY, outcome, MigrationPhase.DONE, 2, 10, 1000, 0, 0, 1,
                PreCopyStop.of(1), 100, 0, 0, 0, 0, 0, MigrationReport.FaultStats.NONE, MigrationReport.SwitchOverTimes.NONE,
                MigrationReport.DestinationCosts.NONE, "");
    }

    private final class Host implements Balancer.Host {
        private final String id;

        Host(String id) {
            this.id = id;
        }

        @Override
        public String nodeId() {
            return id;
        }

        @Override
        public boolean schedulable() {
            return true;
        }

        @Override
        public int cpuPermille() {
            return -1;
        }

        @Override
        public long processMemoryBytes() {
            return 1L << 30;
        }

        @Override
        public Map<String, Balancer.ProcessSample> processes() {
            Map<String, Balancer.ProcessSample> out = new LinkedHashMap<>();
            placement.get(id).keySet().forEach(p -> out.put(p, new Balancer.ProcessSample(Math.round(servedSoFar.get(p)), 1L << 20)));
            return out;
        }

        @Override
        public List<String> peers() {
            return placement.keySet().stream().filter(n -> !n.equals(id)).toList();
        }

        @Override
        public LoadReport probe(String node) {
            probesBy.merge(id, 1, Integer::sum);
            if (down.contains(node)) {
                throw ErrorCode.UNAVAILABLE.exception("node " + node + " is down");
            }
            return balancers.get(node).lastReport();
        }

        @Override
        public PullRequest.Reply askPull(String node, PullRequest request) {
            if (down.contains(node)) {
                throw ErrorCode.UNAVAILABLE.exception("node " + node + " is down");
            }
            return balancers.get(node).onPull(request);
        }

        @Override
        public CompletableFuture<MigrationReport> migrate(String process, String toNode) {
            CompletableFuture<MigrationReport> f = new CompletableFuture<>();
            Runnable commit = () -> {
                double rate = placement.get(id).remove(process);
                placement.get(toNode).put(process, rate);
                moves.add(new Move(process, id, toNode, clock.nowMs()));
                balancers.get(toNode).onArrived(process);
                f.complete(report(process, id, toNode, MigrationOutcome.COMMITTED));
            };
            if (slowMigrations.contains(id)) {
                pendingCommits.add(commit);
            } else {
                commit.run();
            }
            return f;
        }
    }

    /** Commits of migrations from nodes in {@link #slowMigrations}, waiting for the test to run them. */
    final List<Runnable> pendingCommits = new ArrayList<>();

    private final class Recorder implements BalanceEvents {
        private final String node;

        Recorder(String node) {
            this.node = node;
        }

        @Override
        public void pushed(BalancePolicy.Move move, boolean pulled) {
            events.add(node + " push " + move.process() + " -> " + move.toNode() + (pulled ? " (pulled)" : ""));
        }

        @Override
        public void pulled(String fromNode, String process) {
            events.add(node + " pull " + process + " <- " + fromNode);
        }

        @Override
        public void refused(String why) {
            events.add(node + " refused: " + why);
        }

        @Override
        public void moved(String process, String toNode, boolean committed, String detail) {
            events.add(node + " moved " + process + " -> " + toNode + " " + committed);
        }
    }
}
