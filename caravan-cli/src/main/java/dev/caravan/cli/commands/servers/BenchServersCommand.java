package dev.caravan.cli.commands.servers;

import dev.caravan.servers.bench.BenchPlan;
import dev.caravan.servers.bench.BenchReport;
import dev.caravan.servers.bench.CellResult;
import dev.caravan.servers.bench.ServerBench;
import dev.caravan.servers.model.ServerModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan bench servers}: every server model under the same loads (binary and HTTP,
 * 1–1024 connections, non-blocking and blocking handlers) against a Netty reference in the same
 * run; throughput from wrk (HTTP) and closed-loop Java clients (binary), latency from a
 * constant-rate HdrHistogram generator. Prints a table with ratios to Netty, writes JSON and
 * two PNGs.
 */
@Command(name = "servers", mixinStandardHelpOptions = true,
        description = "Every server model under the same load, against Netty (about 14 min; --quick about 3 min).")
public final class BenchServersCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "16 and 1024 connections only, shorter windows")
    boolean quick;

    @Option(names = "--models", split = ",", completionCandidates = ModelNames.class,
            description = "models to run, comma-separated: ${COMPLETION-CANDIDATES} (default: all)")
    List<String> models;

    @Option(names = "--protocols", split = ",", description = "binary, http (default: both)")
    List<String> protocols;

    @Option(names = "--connections", split = ",", description = "connection counts (default: 1,16,256,1024; quick: 16,1024)")
    List<Integer> connections;

    @Option(names = "--repetitions", description = "throughput runs per server and cell, median reported (default: 3; quick: 1)")
    Integer repetitions;

    @Option(names = "--no-blocking", description = "skip the blocking-handler variant")
    boolean noBlocking;

    @Option(names = "--out", defaultValue = "bench-results", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--from-json", description = "re-render the table and plots of an earlier run's JSON, without measuring")
    Path fromJson;

    @Override
    public Integer call() throws Exception {
        if (fromJson != null) {
            BenchReport old = BenchReport.fromJson(fromJson);
            System.out.print(old.table());
            old.targets().forEach(t -> System.out.println("  " + t));
            System.out.println("==> wrote " + old.writePlots(out.resolve("servers-throughput.png"), out.resolve("servers-p99.png")));
            return 0;
        }
        BenchPlan base = quick ? BenchPlan.quick() : BenchPlan.full();
        BenchPlan plan = base.with(
                models == null ? base.models() : models.stream().map(ServerModel::parse).toList(),
                protocols == null ? base.protocols() : protocols,
                connections == null ? base.connections() : connections,
                base.blocking() && !noBlocking,
                repetitions == null ? base.repetitions() : repetitions);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.println("==> caravan bench servers: " + plan.models().size() + " models + netty, protocols " + plan.protocols()
                + ", connections " + plan.connections() + (plan.blocking() ? ", non-blocking and blocking (" + plan.delayMinMicros() / 1000
                + "–" + plan.delayMaxMicros() / 1000 + " ms) handlers" : ""));
        System.out.println("==> " + cores + " cores shared by the servers (this JVM), the Java load generator (its own JVM) and wrk -t1: absolute figures are low, compare ratios");
        List<CellResult> results = new ServerBench(plan, System.out::println).run();
        BenchReport report = new BenchReport(results);
        System.out.println();
        System.out.print(report.table());
        System.out.println();
        System.out.println("Targets:");
        report.targets().forEach(t -> System.out.println("  " + t));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("benchmark", "servers");
        context.put("time", Instant.now().toString());
        context.put("cores", cores);
        context.put("java", System.getProperty("java.version"));
        context.put("plan", plan);
        context.put("note", "servers (one JVM), the Java load generator (own JVM) and wrk -t1 share the same cores; throughput is the median of "
                + plan.repetitions() + " runs in rotated server order, each after a warm-up");
        Path json = report.writeJson(out.resolve("servers.json"), context);
        List<Path> pngs = report.writePlots(out.resolve("servers-throughput.png"), out.resolve("servers-p99.png"));
        System.out.println();
        System.out.println("==> wrote " + json + ", " + String.join(", ", Arrays.asList(pngs.get(0).toString(), pngs.get(1).toString())));
        return 0;
    }

    /** The server models' command-line names, for the help text and shell completion. */
    static final class ModelNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Arrays.stream(ServerModel.values()).map(ServerModel::cliName).iterator();
        }
    }
}
