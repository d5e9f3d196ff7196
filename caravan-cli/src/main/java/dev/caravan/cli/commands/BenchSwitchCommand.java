package dev.caravan.cli.commands;

import dev.caravan.cli.DaemonJvmOptions;
import dev.caravan.cli.bench.RedisBenchmark;
import dev.caravan.cli.bench.switching.HaproxyReference;
import dev.caravan.cli.bench.switching.HttpPath;
import dev.caravan.cli.bench.switching.HttpPhase;
import dev.caravan.cli.bench.switching.HttpRounds;
import dev.caravan.cli.bench.switching.RespPhase;
import dev.caravan.cli.bench.switching.RespRounds;
import dev.caravan.cli.bench.switching.SwitchBenchReport;
import dev.caravan.cli.bench.switching.SwitchBenchSetup;
import dev.caravan.cli.bench.switching.WrkRun;
import dev.caravan.launch.LocalCluster;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan bench switch}: the switch against HAProxy and against no balancer at all, one
 * run, same machine, same backends. A 2-node local cluster with its switch runs {@code
 * --replicas} replicas of the HTTP sample; wrk and a constant-rate generator drive them direct,
 * through HAProxy and through the switch's transport-level, content-aware (round robin) and
 * handoff front ends; redis-benchmark drives the Redis-compatible process direct and through
 * the switch's process front end. Prints tables with ratios and spread, the targets of issue 10,
 * and writes JSON and a PNG. Progress goes to standard error.
 */
@Command(name = "switch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"The cluster front end (caravan switch) measured against HAProxy and against direct connections, one run on "
                + "this machine: a 2-node local cluster with its switch, REPLICAS replicas of the HTTP sample (label "
                + "service=bench-web) and one Redis-compatible process.",
                "",
                "HTTP paths: direct (wrk thread k to replica k mod REPLICAS, so the replicas share the load as behind a balancer), "
                + "haproxy (Debian's HAProxy: mode http, balance roundrobin, http-reuse always, keep-alive, nbthread = the switch's "
                + "event-loop threads = cores), switch-transport (one replica per connection, bytes relayed), switch-content "
                + "(each request routed, round robin) and switch-handoff (the client connection passed to the node after its "
                + "first request). For each --connections count and round: wrk (closed loop, keep-alive) against each path for "
                + "req/s, then a constant-rate generator (open loop, latency from each request's intended send time, so queueing "
                + "is not hidden) at --rate-fraction of HAProxy's req/s of that round for p50/p99.",
                "",
                "RESP: redis-benchmark -t set,get -c --resp-clients, without and with -P 16, against the process's data endpoint "
                + "(direct) and the switch's process front end.",
                "",
                "Targets (issue 10): content-aware round robin >= 0.8x HAProxy's req/s with p99 <= 1.5x HAProxy's; handoff >= 0.95x "
                + "direct; RESP through the switch >= 0.7x direct. Exit code 0 when all are met, 3 when one is missed or could "
                + "not be measured, 1 on errors. Needs wrk, haproxy and redis-benchmark (the caravan launcher installs them)."})
public final class BenchSwitchCommand implements Callable<Integer> {
    @Option(names = {"-d", "--duration"}, defaultValue = "10", paramLabel = "SECONDS",
            description = "length of each wrk and constant-rate run (default: ${DEFAULT-VALUE})")
    int seconds;

    @Option(names = "--connections", split = ",", defaultValue = "64,256", paramLabel = "N[,N...]",
            description = "keep-alive connection counts (default: ${DEFAULT-VALUE})")
    List<Integer> connections;

    @Option(names = "--rounds", defaultValue = "3", description = "rounds over every path; figures are medians with min-max (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--replicas", defaultValue = "3", description = "replicas of the HTTP sample (default: ${DEFAULT-VALUE})")
    int replicas;

    @Option(names = "--wrk-threads", defaultValue = "0",
            description = "wrk threads through a balancer; direct uses one per replica (default: as many as replicas,"
                    + " so every path is driven by the same load generator)")
    int wrkThreads;

    @Option(names = "--haproxy-threads", paramLabel = "N",
            description = "HAProxy's nbthread (default: the cores, as many as the switch's event loops)")
    Integer haproxyThreads;

    @Option(names = "--switch-health", defaultValue = "like-haproxy", paramLabel = "like-haproxy|default",
            description = "the switch front ends' health settings: like-haproxy (default; fall 1000, rise 1, no slow start: no passive "
                    + "check or slow start acts during the run, as HAProxy's servers without 'check') or default (the switch's "
                    + "defaults: fall 3, latency-outlier checks, 10 s slow start)")
    String switchHealth;

    @Option(names = "--rate-fraction", defaultValue = "0.7",
            description = "the constant rate as a fraction of HAProxy's wrk req/s (default: ${DEFAULT-VALUE})")
    double rateFraction;

    @Option(names = "--resp-requests", defaultValue = "100000", description = "redis-benchmark -n without pipelining (default: ${DEFAULT-VALUE})")
    int respRequests;

    @Option(names = "--resp-pipelined-requests", defaultValue = "300000",
            description = "redis-benchmark -n with -P 16 (default: ${DEFAULT-VALUE})")
    int respPipelinedRequests;

    @Option(names = "--resp-clients", defaultValue = "50", description = "redis-benchmark -c (default: ${DEFAULT-VALUE})")
    int respClients;

    @Option(names = "--no-resp", description = "skip the RESP part")
    boolean noResp;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "bench-results/switch.json",
            description = "JSON output (default: ${DEFAULT-VALUE})")
    Path json;

    @Option(names = "--png", paramLabel = "FILE", defaultValue = "bench-results/switch.png",
            description = "figure: req/s and p99 per path (default: ${DEFAULT-VALUE})")
    Path png;

    @Option(names = "--work-dir", defaultValue = ".caravan/bench-switch", description = "logs, node data, haproxy.cfg (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Mixin
    DaemonJvmOptions jvm;

    private static final String SERVICE = "bench-web";
    private static final String REQUEST_PATH = "/";
    private static final long REQUEST_TIMEOUT_MS = 5_000;

    @Override
    public Integer call() throws Exception {
        validate();
        requireTools();
        int hpThreads = haproxyThreads != null ? haproxyThreads : Runtime.getRuntime().availableProcessors();
        Files.createDirectories(workDir);
        step("starting naming, 2 nodes and the switch (separate JVMs)...");
        try (LocalCluster cluster = jvm.applyTo(LocalCluster.builder().allowUnsigned().nodes(2).workDir(workDir)).start()) {
            SwitchBenchSetup setup = new SwitchBenchSetup(cluster, BenchSwitchCommand::step);
            Map<String, InetSocketAddress> web = setup.deployHttpReplicas(SERVICE, replicas);
            List<HttpPath> paths = new ArrayList<>();
            paths.add(new HttpPath(HttpPath.DIRECT, "straight to the replicas, wrk thread k to replica k mod " + replicas,
                    List.copyOf(web.values()), replicas));
            try (HaproxyReference haproxy = startHaproxy(web, hpThreads)) {
                step("HAProxy (" + HaproxyReference.version() + ", nbthread " + hpThreads + ") on " + haproxy.listen().getPort()
                        + "; config " + haproxy.config().toAbsolutePath());
                paths.add(new HttpPath(HttpPath.HAPROXY, "HAProxy, mode http, balance roundrobin, http-reuse always, nbthread "
                        + hpThreads, List.of(haproxy.listen()), wrkThreads));
                paths.addAll(setup.switchHttpPaths(SERVICE, replicas, wrkThreads, switchHealth.equals("like-haproxy")));
                HttpRounds http = new HttpPhase(new HttpPhase.Settings(connections, rounds, seconds, rateFraction, REQUEST_PATH,
                        REQUEST_TIMEOUT_MS, workDir), BenchSwitchCommand::step).run(paths);
                Map<String, Long> haproxyServed = haproxyServed(haproxy);
                long markedDown = setup.backendsMarkedDown();
                long fallbacks = setup.handoffFallbacks();
                step("the switch took a backend out as down " + markedDown + " times; handoffs that fell back to splicing: " + fallbacks);
                RespRounds resp = new RespRounds();
                String respNote = "skipped (--no-resp)";
                if (!noResp) {
                    SwitchBenchSetup.RespTargets t = setup.deployKv("bench-kv");
                    respNote = t.note();
                    resp = new RespPhase(new RespPhase.Settings(rounds, respClients, respRequests, respPipelinedRequests),
                            BenchSwitchCommand::step).run(t.direct(), t.throughSwitch());
                }
                SwitchBenchReport report = new SwitchBenchReport(settings(hpThreads), connections, rounds, seconds, paths, http, resp,
                        respNote, haproxyServed, setup.switchServed(), Map.of("backendsMarkedDown", markedDown,
                        "handoffFallbacksToSplice", fallbacks));
                System.out.print(report.render());
                report.writeJson(json);
                System.out.println("JSON written to " + json.toAbsolutePath());
                report.writePng(png);
                System.out.println("figure: " + png.toAbsolutePath());
                List<String> logged = cluster.loggedErrors();
                if (!logged.isEmpty()) {
                    System.err.println("errors logged by the daemons:\n  " + String.join("\n  ", logged));
                    return 1;
                }
                return report.errors() ? 1 : report.allTargetsMet() ? 0 : 3;
            }
        }
    }

    private HaproxyReference startHaproxy(Map<String, InetSocketAddress> web, int threads) throws InterruptedException {
        try {
            return HaproxyReference.start(web, threads, workDir.resolve("haproxy"));
        } catch (java.io.IOException e) {
            throw ErrorCode.UNAVAILABLE.exception("HAProxy did not start: " + e.getMessage());
        }
    }

    private static Map<String, Long> haproxyServed(HaproxyReference haproxy) {
        try {
            return haproxy.responsesPerServer();
        } catch (java.io.IOException e) {
            step("HAProxy's stats socket did not answer 'show stat': " + e.getMessage());
            return Map.of();
        }
    }

    private Map<String, Object> settings(int hpThreads) {
        return SwitchBenchReport.settings(seconds, rounds, connections, replicas, wrkThreads, hpThreads, rateFraction, REQUEST_PATH,
                switchHealth, noResp ? null : Map.of("clients", respClients, "requests", respRequests, "pipelinedRequests", respPipelinedRequests,
                        "pipelines", RespPhase.PIPELINES, "tests", RespPhase.TESTS), jvm.heap(), jvm.jvmOptions());
    }

    private void validate() {
        if (wrkThreads == 0) {
            wrkThreads = replicas;
        }
        if (seconds < 1 || rounds < 1 || replicas < 1 || replicas > 64 || wrkThreads < 1 || respRequests < 1
                || respPipelinedRequests < 1 || respClients < 1 || !(rateFraction > 0 && rateFraction <= 1)
                || (haproxyThreads != null && (haproxyThreads < 1 || haproxyThreads > 64))) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--duration, --rounds, --wrk-threads and the --resp-* counts must be positive, "
                    + "--replicas 1..64, --haproxy-threads 1..64, --rate-fraction in (0, 1]");
        }
        if (!switchHealth.equals("like-haproxy") && !switchHealth.equals("default")) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--switch-health takes like-haproxy or default, not '" + switchHealth + "'");
        }
        if (connections.isEmpty() || connections.stream().anyMatch(c -> c < 1 || c > 10_000)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--connections takes counts 1..10000, like 64,256");
        }
        for (int c : connections) {
            if (c < Math.max(replicas, wrkThreads)) {
                throw ErrorCode.INVALID_ARGUMENT.exception(String.format(Locale.ROOT, "--connections %d is fewer than the wrk threads "
                        + "(%d direct, one per replica; %d through a balancer)", c, replicas, wrkThreads));
            }
        }
    }

    private void requireTools() {
        List<String> missing = new ArrayList<>();
        if (WrkRun.binary().isEmpty()) {
            missing.add("wrk (Debian package wrk)");
        }
        if (HaproxyReference.binary().isEmpty()) {
            missing.add("haproxy (Debian package haproxy)");
        }
        if (!noResp && RedisBenchmark.binary().isEmpty()) {
            missing.add("redis-benchmark (Debian package redis-tools)");
        }
        if (!missing.isEmpty()) {
            throw ErrorCode.NOT_FOUND.exception("caravan bench switch needs " + String.join(", ", missing)
                    + ": install them (apt-get install -y wrk haproxy redis-tools) or run it through ./caravan, which does");
        }
    }

    private static void step(String msg) {
        System.err.println("==> " + msg);
    }
}
