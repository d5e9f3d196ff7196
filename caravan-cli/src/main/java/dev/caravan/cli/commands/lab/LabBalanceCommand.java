package dev.caravan.cli.commands.lab;

import dev.caravan.cli.bench.balance.BalanceLab;
import dev.caravan.core.time.Clock;
import dev.caravan.lab.balance.BalanceComparison;
import dev.caravan.lab.balance.BalanceRun;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Machine;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.RunInfo;
import dev.caravan.lab.report.Section;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan lab balance}: sender- vs receiver-initiated load balancing on a real local cluster. */
@Command(name = "balance", mixinStandardHelpOptions = true,
        description = {"Starts a local cluster, places KV processes with paced client load so that the load is low (one "
                + "node above the high threshold, the others well below the low one) or high (all nodes but one above the "
                + "high threshold, one idle), and turns balancing on (push, pull, both; each from the same start).",
                "Prints a table (starting loads, migrations, probes sent and wasted, probes per migration, time to converge, "
                        + "ping-pong, client latency before/after), writes load-per-node plots (PNG) and JSON into --out, and "
                        + "says, from the measured probes per migration and time to converge, whether sender-initiated wins at "
                        + "low load and receiver-initiated at high load here."})
public final class LabBalanceCommand implements Callable<Integer> {
    /** Commands/s of a full node. */
    private static final long RATE_CAPACITY = 400;
    /** Each process's load, a fraction of a node. */
    private static final double PROCESS_LOAD = 0.18;
    private static final double HIGH = 0.8;
    private static final double LOW = 0.5;
    /** Low load: processes on the first node (1.08), one on each other (0.18). */
    private static final int LOW_FIRST = 6;
    /** High load: processes on each node but the last (0.90). */
    private static final int HIGH_LOADED = 5;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", defaultValue = "bench-results", description = "Output directory for JSON and PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--nodes", defaultValue = "4", description = "Nodes in the cluster, 3 or 4: at high load the one idle "
            + "node must be able to take a process from each loaded node and stay below the low threshold until the last "
            + "(default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--modes", split = ",", defaultValue = "push,pull,both", description = "Modes to compare (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--loads", split = ",", defaultValue = "low,high", description = "Load levels, each process 18 %% of a node: "
            + "low (6 processes on the first node, 1 on each other: 1.08 and 0.18) and/or high (5 on each node but the last: "
            + "0.90 each, the last idle) (default: ${DEFAULT-VALUE}).")
    List<String> loads;

    @Option(names = "--probes", defaultValue = "1", description = "Nodes each decision probes, 1..8; 1 makes probing "
            + "matter on a small cluster (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--repeats", defaultValue = "2", description = "Runs of each load × mode, added up in its row, 1..10 "
            + "(default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--quick", description = "A short run for tests: 3 nodes, one run each, shorter windows.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        int n = quick ? 3 : nodes;
        if (n < 3 || n > 4) {
            throw usage("--nodes must be 3 or 4, got " + n);
        }
        int reps = quick ? 1 : repeats;
        if (reps < 1 || reps > 10) {
            throw usage("--repeats must be 1..10, got " + reps);
        }
        if (probes < 1 || probes > 8) {
            throw usage("--probes must be 1..8, got " + probes);
        }
        Map<String, List<Integer>> levels = new LinkedHashMap<>();
        for (String l : loads) {
            List<Integer> perNode = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                perNode.add(l.equals("low") ? (i == 0 ? LOW_FIRST : 1) : (i < n - 1 ? HIGH_LOADED : 0));
            }
            switch (l) {
                case "low", "high" -> levels.put(l, List.copyOf(perNode));
                default -> throw usage("--loads takes low and/or high, got " + l);
            }
        }
        for (String m : modes) {
            if (!List.of("push", "pull", "both").contains(m)) {
                throw usage("--modes takes push, pull and/or both, got " + m);
            }
        }
        BalanceLab.Settings settings = new BalanceLab.Settings(n, RATE_CAPACITY, PROCESS_LOAD, HIGH, LOW, probes, 500,
                quick ? 10_000 : 15_000, quick ? 2_000 : 3_000, quick ? 20_000 : 30_000, quick ? 2_000 : 3_000, levels, reps);
        long startedMs = Clock.system().nowMs();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--nodes", Integer.toString(n));
        options.put("--modes", String.join(",", modes));
        options.put("--loads", String.join(",", loads));
        options.put("--probes", Integer.toString(probes));
        options.put("--repeats", Integer.toString(reps));
        if (quick) {
            options.put("--quick", "true");
        }
        RunInfo run = new RunInfo("caravan lab balance", options, Instant.ofEpochMilli(startedMs).toString(), Machine.current());
        Files.createDirectories(out);
        Plots plots = new Plots(out, run);
        Path work = Files.createTempDirectory("caravan-lab-balance-");
        List<BalanceRun> runs = new BalanceLab(settings, work, plots, LabRunner.progress(System.err)::step).run(modes);
        List<Figure> figures = new ArrayList<>();
        for (BalanceRun r : runs) {
            figures.add(new Figure("Load per node, " + r.mode() + " at " + r.level() + " load", r.pngFile(), List.of()));
        }
        String text = String.join("\n\n", List.of(
                "Each KV process gets a paced client (SET at " + Math.round(PROCESS_LOAD * RATE_CAPACITY) + " commands/s, "
                        + "through the process's stable endpoint), so its load is the same wherever it runs. Load is the "
                        + "request rate over a node capacity of " + settings.rateCapacity() + " commands/s; a node above "
                        + settings.high() + " is overloaded, below " + settings.low() + " idle. Low load: " + LOW_FIRST
                        + " processes on n1, 1 on each other node; high load: " + HIGH_LOADED + " on each node but the last, "
                        + "which is idle. Each decision probes random nodes one at a time, at most " + probes + ", and stops "
                        + "at the first partner; a probe that finds none is wasted. Probes are counted from balancing on "
                        + "until the last move; 'probes/s after' is what the balancers still send once converged. A moved "
                        + "process stays put for " + settings.cooldownMs() / 1000 + " s. Latency 'before' is with balancing "
                        + "off, 'after' is over the last " + settings.settleMs() / 1000 + " s without a move. Each row adds up "
                        + reps + " run(s) from the same start: counts summed, times to converge and starting loads averaged.",
                String.join("\n", BalanceComparison.verdict(runs))));
        LabResult result = LabResult.of("balance", "Push and pull load balancing", run, startedMs,
                List.of(new Section("Sender- vs receiver-initiated balancing", text, List.of(BalanceComparison.table(runs)), figures)));
        LabRunner.publish(result, out, System.out);
        System.out.println();
        BalanceComparison.verdict(runs).forEach(System.out::println);
        return 0;
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
