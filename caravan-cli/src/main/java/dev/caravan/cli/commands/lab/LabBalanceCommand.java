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
        description = {"Starts a local cluster with every process on one node, drives paced client load, and turns "
                + "balancing on (push, pull, both; each from the same unbalanced start) at a low and a high load.",
                "Prints a table (migrations, ping-pong, time to converge, client latency before/after), writes load-per-node "
                        + "plots (PNG) and JSON into --out, and says whether sender-initiated wins at low load and "
                        + "receiver-initiated at high load here."})
public final class LabBalanceCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "bench-results", description = "Output directory for JSON and PNG (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--nodes", defaultValue = "4", description = "Nodes in the cluster, 2..8 (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--processes", defaultValue = "8", description = "KV processes, all started on the first node, 2..32 "
            + "(default: ${DEFAULT-VALUE}).")
    int processes;

    @Option(names = "--modes", split = ",", defaultValue = "push,pull,both", description = "Modes to compare (default: ${DEFAULT-VALUE}).")
    List<String> modes;

    @Option(names = "--loads", split = ",", defaultValue = "low,high", description = "Load levels: low (offered 1.2 nodes in all) "
            + "and/or high (offered 55 %% of every node) (default: ${DEFAULT-VALUE}).")
    List<String> loads;

    @Option(names = "--probes", defaultValue = "1", description = "Nodes each decision probes, 1..8; 1 makes probing "
            + "matter on a small cluster (default: ${DEFAULT-VALUE}).")
    int probes;

    @Option(names = "--quick", description = "A short run for tests: 3 nodes, 6 processes, shorter windows.")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        int n = quick ? 3 : nodes;
        int p = quick ? 6 : processes;
        if (n < 2 || n > 8) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("--nodes must be 2..8, got " + n);
        }
        if (p < 2 || p > 32) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("--processes must be 2..32, got " + p);
        }
        if (probes < 1 || probes > 8) {
            throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("--probes must be 1..8, got " + probes);
        }
        Map<String, Double> levels = new LinkedHashMap<>();
        for (String l : loads) {
            switch (l) {
                case "low" -> levels.put("low", 1.2);
                case "high" -> levels.put("high", 0.55 * n);
                default -> throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("--loads takes low and/or high, got " + l);
            }
        }
        for (String m : modes) {
            if (!List.of("push", "pull", "both").contains(m)) {
                throw dev.caravan.wire.ErrorCode.INVALID_ARGUMENT.exception("--modes takes push, pull and/or both, got " + m);
            }
        }
        BalanceLab.Settings settings = new BalanceLab.Settings(n, p, 600, 0.8, 0.5, probes, 500, quick ? 10_000 : 15_000,
                quick ? 2_000 : 3_000, quick ? 20_000 : 30_000, quick ? 2_000 : 3_000, levels);
        long startedMs = Clock.system().nowMs();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("--nodes", Integer.toString(n));
        options.put("--processes", Integer.toString(p));
        options.put("--modes", String.join(",", modes));
        options.put("--loads", String.join(",", loads));
        options.put("--probes", Integer.toString(probes));
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
                "Each run starts with all " + p + " KV processes on n1 and paced clients (SET at a fixed rate per process, "
                        + "through the processes' stable endpoints), so a process's load is the same wherever it runs. "
                        + "Load is the request rate over a node capacity of " + settings.rateCapacity() + " commands/s; "
                        + "a node above " + settings.high() + " is overloaded, below " + settings.low() + " idle; each "
                        + "decision probes " + probes + " random node(s); a moved process stays put for "
                        + settings.cooldownMs() / 1000 + " s. Latency 'before' is with balancing off, 'after' is over the "
                        + "last " + settings.settleMs() / 1000 + " s without a move.",
                String.join("\n", BalanceComparison.verdict(runs))));
        LabResult result = LabResult.of("balance", "Push and pull load balancing", run, startedMs,
                List.of(new Section("Sender- vs receiver-initiated balancing", text, List.of(BalanceComparison.table(runs)), figures)));
        LabRunner.publish(result, out, System.out);
        System.out.println();
        BalanceComparison.verdict(runs).forEach(System.out::println);
        return 0;
    }
}
