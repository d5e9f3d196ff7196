package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.DaemonJvmOptions;
import dev.caravan.cli.bench.RedisBenchmark;
import dev.caravan.cli.bench.RedisServer;
import dev.caravan.cli.bench.kv.DefaultSuite;
import dev.caravan.cli.bench.kv.MemoryPerKey;
import dev.caravan.cli.bench.kv.SuiteRounds;
import dev.caravan.client.NodeControl;
import dev.caravan.launch.LocalCluster;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan bench kv}: redis-benchmark's default test list against the Redis-compatible
 * process (on a node with the daemon JVM settings) and against a real redis-server in the same
 * run, in alternating rounds, without and with {@code -P 16}; the ratio of every test with its
 * spread and target ({@link SuiteRounds}), the CPU time each server spent per request, and the
 * memory per key ({@link MemoryPerKey}). A table and {@code bench-results/kv.json}.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"redis-benchmark's default test list (PING_INLINE ... MSET; 50 clients; without and with -P 16) against "
                + "Caravan's kv process and a real redis-server, in alternating rounds; then the memory per key of 1 M keys "
                + "with 100-byte values in each.",
                "Prints per test the median ratio (kv / redis-server ops/s) over the rounds, its spread and the target "
                + "(SET, GET: 0.9 without pipelining, 1.0 with -P 16; others 0.7; no error replies), the CPU time per request "
                + "of each server, and the memory per key against redis-server's used_memory (target: at most 1.5x); "
                + "writes the same as JSON.",
                "Exit code 0 when every target is met, 3 when one is missed, 1 on error replies or errors in the node's log."})
public final class BenchKvCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "100000", description = "requests per test without pipelining (-n; default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--pipelined-requests", defaultValue = "300000",
            description = "requests per test with -P 16, which runs them several times faster (-n; default: ${DEFAULT-VALUE})")
    int pipelinedRequests;

    @Option(names = "--clients", defaultValue = "50", description = "parallel clients (-c; default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--keyspace", defaultValue = "100000", description = "random keys (-r; default: ${DEFAULT-VALUE})")
    int keyspace;

    @Option(names = "--rounds", defaultValue = "3", description = "alternating rounds (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--memory-keys", defaultValue = "1000000",
            description = "keys loaded for the memory per key, 100-byte values; 0 skips it (default: ${DEFAULT-VALUE})")
    int memoryKeys;

    @Option(names = "--out", defaultValue = "bench-results/kv.json", description = "JSON output (default: ${DEFAULT-VALUE})")
    Path out;

    @Mixin
    DaemonJvmOptions jvm;

    private static final List<Integer> PIPELINES = List.of(1, 16);
    private static final int MEMORY_VALUE_BYTES = 100;
    private static final double MEMORY_TARGET = 1.5;
    private static final long SUITE_TIMEOUT_MS = 30 * 60_000;

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || pipelinedRequests < 1 || clients < 1 || rounds < 1 || keyspace < 1 || memoryKeys < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--requests, --pipelined-requests, --clients, --rounds and --keyspace must be "
                    + "positive, --memory-keys not negative");
        }
        Path work = Path.of(".caravan", "bench-kv");
        Files.createDirectories(work);
        RedisBenchmark.binary().orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "redis-benchmark is missing: install the Debian package redis-tools (./caravan does this)"));
        LocalCluster.Builder builder = jvm.applyTo(LocalCluster.builder().allowUnsigned().nodes(1).workDir(work).switches(0));
        step("starting redis-server (reference) and a 1-node Caravan cluster (daemon JVM settings)...");
        try (RedisServer redis = RedisServer.start(work.resolve("redis-server.log"));
             LocalCluster cluster = builder.start();
             NodeControl node = NodeControl.connect(cluster.nodeControls().get("n1"), "bench", "", Duration.ofSeconds(30))) {
            ProcessInfo kv = node.start(new ProcessSpec("bench-kv", "kv", "", "", 4L << 30, Map.of()));
            long nodePid = cluster.node("n1").pid();
            step("caravan kv at " + kv.dataEndpoint() + " (node pid " + nodePid + "), redis-server at 127.0.0.1:" + redis.port()
                    + " (pid " + redis.pid() + ")");
            step("warming up the node's JIT (the suite once, " + Math.max(1, requests / 5) + " requests per test)...");
            for (int pipeline : PIPELINES) {
                DefaultSuite.run(kv.dataHost(), kv.dataPort(), clients, Math.max(1, requestsAt(pipeline) / 5), keyspace, pipeline,
                        SUITE_TIMEOUT_MS);
            }
            SuiteRounds results = new SuiteRounds();
            for (int round = 1; round <= rounds; round++) {
                for (int pipeline : PIPELINES) {
                    List<String> order = round % 2 == 1 ? List.of(SuiteRounds.REDIS, SuiteRounds.CARAVAN)
                            : List.of(SuiteRounds.CARAVAN, SuiteRounds.REDIS);
                    for (String target : order) {
                        boolean isRedis = target.equals(SuiteRounds.REDIS);
                        step(String.format(Locale.ROOT, "round %d/%d: %s, %s ...", round, rounds, target,
                                pipeline > 1 ? "-P " + pipeline : "no pipelining"));
                        long pid = isRedis ? redis.pid() : nodePid;
                        long cpu0 = cpuNanos(pid);
                        DefaultSuite.Outcome o = DefaultSuite.run("127.0.0.1", isRedis ? redis.port() : kv.dataPort(), clients,
                                requestsAt(pipeline), keyspace, pipeline, SUITE_TIMEOUT_MS);
                        long cpu1 = cpuNanos(pid);
                        double cpuUs = cpu0 < 0 || cpu1 < 0 || o.opsPerSec().isEmpty() ? Double.NaN
                                : (cpu1 - cpu0) / 1e3 / ((double) requestsAt(pipeline) * o.opsPerSec().size());
                        results.add(new SuiteRounds.Sample(target, pipeline, round, o, cpuUs));
                    }
                }
            }
            MemoryPerKey memory = null;
            if (memoryKeys > 0) {
                step("memory per key: " + memoryKeys + " keys, " + MEMORY_VALUE_BYTES + "-byte values, into redis-server and a new kv process...");
                ProcessInfo fresh = node.start(new ProcessSpec("bench-kv-memory", "kv", "", "", 4L << 30, Map.of()));
                memory = MemoryPerKey.measure(new InetSocketAddress("127.0.0.1", redis.port()),
                        new InetSocketAddress(fresh.dataHost(), fresh.dataPort()), () -> node.inspect("bench-kv-memory").memoryBytes(),
                        memoryKeys, MEMORY_VALUE_BYTES);
                node.stop("bench-kv-memory");
            }
            return report(results, memory, cluster);
        }
    }

    private int report(SuiteRounds results, MemoryPerKey memory, LocalCluster cluster) throws java.io.IOException {
        List<SuiteRounds.Row> rows = results.rows(PIPELINES);
        System.out.println();
        System.out.print(SuiteRounds.render(rows));
        boolean errors = rows.stream().anyMatch(r -> r.error() != null);
        boolean allMet = rows.stream().allMatch(SuiteRounds.Row::met);
        List<Map<String, Object>> cpu = new ArrayList<>();
        System.out.println();
        for (int pipeline : PIPELINES) {
            List<Double> r = results.cpuUsPerRequest(SuiteRounds.REDIS, pipeline);
            List<Double> c = results.cpuUsPerRequest(SuiteRounds.CARAVAN, pipeline);
            System.out.printf(Locale.ROOT, "CPU per request, whole suite, %s: redis-server %.2f us, caravan node %.2f us (%.2fx; rounds: %s / %s)%n",
                    pipeline > 1 ? "-P " + pipeline : "no pipelining", SuiteRounds.median(r), SuiteRounds.median(c),
                    SuiteRounds.median(c) / SuiteRounds.median(r), fmt(r), fmt(c));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pipeline", pipeline);
            m.put("redisUsPerRequest", r);
            m.put("caravanUsPerRequest", c);
            cpu.add(m);
        }
        Map<String, Object> mem = null;
        if (memory != null) {
            boolean met = memory.ratio() <= MEMORY_TARGET;
            allMet &= met;
            System.out.printf(Locale.ROOT, "%nmemory per key (%,d keys, %d-byte values): redis-server used_memory %.1f B; caravan kv "
                            + "used_memory %.1f B, off-heap held %.1f B -> %.2fx (target <= %.1fx) %s%n", memory.keys(),
                    memory.valueBytes(), memory.redisPerKey(), memory.kvUsedPerKey(), memory.kvHeldPerKey(), memory.ratio(),
                    MEMORY_TARGET, met ? "met" : "MISSED");
            mem = new LinkedHashMap<>();
            mem.put("keys", memory.keys());
            mem.put("valueBytes", memory.valueBytes());
            mem.put("redisUsedMemoryBytesPerKey", memory.redisPerKey());
            mem.put("caravanUsedMemoryBytesPerKey", memory.kvUsedPerKey());
            mem.put("caravanHeldBytesPerKey", memory.kvHeldPerKey());
            mem.put("ratio", memory.ratio());
            mem.put("target", MEMORY_TARGET);
            mem.put("met", met);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("benchmark", "kv");
        json.put("suite", "redis-benchmark default test list");
        json.put("clients", clients);
        json.put("requestsPerTest", requests);
        json.put("requestsPerTestPipelined", pipelinedRequests);
        json.put("keyspace", keyspace);
        json.put("rounds", rounds);
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("nodeHeap", jvm.heap());
        json.put("nodeJvmOptions", jvm.jvmOptions());
        json.put("results", rows.stream().map(SuiteRounds::json).toList());
        json.put("cpu", cpu);
        json.put("memory", mem);
        json.put("errors", errors);
        json.put("allTargetsMet", allMet);
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("\nJSON written to " + out.toAbsolutePath());
        if (!cluster.loggedErrors().isEmpty()) {
            System.err.println("errors logged by the node:\n  " + String.join("\n  ", cluster.loggedErrors()));
            return 1;
        }
        if (errors) {
            System.err.println("some tests got error replies (see the ERROR rows)");
            return 1;
        }
        return allMet ? 0 : 3;
    }

    private int requestsAt(int pipeline) {
        return pipeline > 1 ? pipelinedRequests : requests;
    }

    /** Total CPU time of a process so far (user + system), or -1 where the platform does not say. */
    private static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(-1L);
    }

    private static String fmt(List<Double> values) {
        return String.join(" ", values.stream().map(v -> String.format(Locale.ROOT, "%.2f", v)).toList());
    }

    private static void step(String msg) {
        System.out.println("==> " + msg);
    }
}
