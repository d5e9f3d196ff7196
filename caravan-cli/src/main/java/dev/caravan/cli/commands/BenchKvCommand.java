package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.bench.KvLoad;
import dev.caravan.cli.bench.RedisBenchmark;
import dev.caravan.cli.bench.RedisServer;
import dev.caravan.client.NodeControl;
import dev.caravan.launch.LocalCluster;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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
 * {@code caravan bench kv}: redis-benchmark against the Redis-compatible process and against a
 * real redis-server in the same run; ops/s, ratios, JSON. Targets: ≥ 0.5× without pipelining,
 * ≥ 0.3× with -P 16.
 */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = "redis-benchmark (GET, SET; 50 clients; without and with -P 16) against Caravan's kv and a real redis-server.")
public final class BenchKvCommand implements Callable<Integer> {
    @Option(names = "--requests", defaultValue = "300000", description = "requests per test (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--clients", defaultValue = "50", description = "parallel clients (default: ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--rounds", defaultValue = "3", description = "alternating rounds; the best of each is kept (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--out", defaultValue = "bench-results/kv.json", description = "JSON output (default: ${DEFAULT-VALUE})")
    Path out;

    private static final double TARGET_PLAIN = 0.5;
    private static final double TARGET_PIPELINED = 0.3;

    @Override
    public Integer call() throws Exception {
        Path work = Path.of(".caravan", "bench-kv");
        Files.createDirectories(work);
        RedisBenchmark.binary().orElseThrow(() -> dev.caravan.wire.ErrorCode.NOT_FOUND.exception(
                "redis-benchmark is missing: install the Debian package redis-tools (./caravan does this)"));
        System.out.println("==> starting redis-server (reference) and a 1-node Caravan cluster...");
        try (RedisServer redis = RedisServer.start(work.resolve("redis-server.log"));
             LocalCluster cluster = LocalCluster.builder().nodes(1).workDir(work).jvmOptions(List.of("-Xmx1g")).start();
             NodeControl node = NodeControl.connect(cluster.nodeControls().get("n1"), "bench", "", Duration.ofSeconds(30))) {
            ProcessInfo kv = node.start(new ProcessSpec("bench-kv", "kv", "", "", 4L << 30, Map.of()));
            System.out.println("==> caravan kv at " + kv.dataEndpoint() + ", redis-server at 127.0.0.1:" + redis.port());
            System.out.println("==> warming up the JVM...");
            RedisBenchmark.run(kv.dataHost(), kv.dataPort(), "set,get", clients, requests, 1, 3, 600_000);
            RedisBenchmark.run(kv.dataHost(), kv.dataPort(), "set,get", clients, requests, 16, 3, 600_000);

            Map<String, Double> best = new LinkedHashMap<>();
            for (int round = 1; round <= rounds; round++) {
                for (int pipeline : new int[] {1, 16}) {
                    for (String target : new String[] {"redis", "caravan"}) {
                        int port = target.equals("redis") ? redis.port() : kv.dataPort();
                        System.out.printf(Locale.ROOT, "==> round %d/%d: %s, -P %d ...%n", round, rounds, target, pipeline);
                        for (RedisBenchmark.Result r : RedisBenchmark.run("127.0.0.1", port, "set,get", clients, requests,
                                pipeline, 3, 600_000)) {
                            best.merge(target + "|" + r.test() + "|" + pipeline, r.opsPerSec(), Math::max);
                        }
                    }
                }
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            System.out.println();
            System.out.printf(Locale.ROOT, "%-6s %-9s %14s %14s %8s %8s %s%n", "TEST", "PIPELINE", "REDIS OPS/S", "CARAVAN OPS/S",
                    "RATIO", "TARGET", "");
            boolean allMet = true;
            for (int pipeline : new int[] {1, 16}) {
                for (String test : new String[] {"SET", "GET"}) {
                    double r = best.getOrDefault("redis|" + test + "|" + pipeline, Double.NaN);
                    double c = best.getOrDefault("caravan|" + test + "|" + pipeline, Double.NaN);
                    double ratio = c / r;
                    double target = pipeline == 1 ? TARGET_PLAIN : TARGET_PIPELINED;
                    boolean met = ratio >= target;
                    allMet &= met;
                    System.out.printf(Locale.ROOT, "%-6s %-9s %,14.0f %,14.0f %8.2f %8.2f %s%n", test, pipeline == 1 ? "none" : "-P " + pipeline,
                            r, c, ratio, target, met ? "met" : "MISSED");
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("test", test);
                    row.put("pipeline", pipeline);
                    row.put("redisOpsPerSec", r);
                    row.put("caravanOpsPerSec", c);
                    row.put("ratio", ratio);
                    row.put("target", target);
                    row.put("met", met);
                    rows.add(row);
                }
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("benchmark", "kv");
            json.put("clients", clients);
            json.put("requestsPerTest", requests);
            json.put("rounds", rounds);
            json.put("cores", Runtime.getRuntime().availableProcessors());
            json.put("results", rows);
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
            System.out.println("\nJSON written to " + out.toAbsolutePath());
            if (!cluster.loggedErrors().isEmpty()) {
                System.err.println("errors logged by the node:\n  " + String.join("\n  ", cluster.loggedErrors()));
                return 1;
            }
            return allMet ? 0 : 3;
        }
    }
}
