package dev.caravan.cli.commands;

import dev.caravan.cli.bench.RedisServer;
import dev.caravan.cli.bench.Tools;
import dev.caravan.cli.bench.cli.CliBenchReport;
import dev.caravan.cli.bench.cli.CliTimings;
import dev.caravan.cli.bench.cli.SettledDaemons;
import dev.caravan.cli.bench.cli.TimedCommand;
import dev.caravan.client.NodeControl;
import dev.caravan.launch.LocalCluster;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * {@code caravan bench cli}: how long {@code caravan --help} and {@code caravan ps} take from the
 * shell, through the real launcher script, against {@code redis-cli} in the same run. Progress on
 * stderr, the table on stdout, JSON to {@code --json}. Exit code 0 when every caravan command's
 * median is within the target, 3 when one is not, 1 on errors.
 */
@Command(name = "cli", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start-up time of the command line, through the caravan launcher, against redis-cli in the same run: "
                + "caravan --help, caravan ps against a 3-node local cluster with one process (started here), caravan ps where no "
                + "cluster answers (it must say so in one line), redis-cli --version and redis-cli ping against a redis-server "
                + "started here, once the cluster's JVMs have settled. Each command runs --runs times, the commands taking turns; one "
                + "warm-up run each is not counted.",
                "",
                "Target (issue 11): each caravan command's median wall time <= 500 ms on an idle machine. Exit code 0 when met, "
                + "3 when missed, 1 on errors. Needs redis-server and redis-cli (the caravan launcher installs them)."})
public final class BenchCliCommand implements Callable<Integer> {
    @Option(names = "--runs", defaultValue = "10", description = "timed runs of each command (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--json", paramLabel = "FILE", defaultValue = "bench-results/cli.json",
            description = "JSON output (default: ${DEFAULT-VALUE})")
    Path json;

    @Option(names = "--launcher", paramLabel = "PATH",
            description = "the caravan launcher to time (default: the one that started this command)")
    Path launcher;

    @Option(names = "--work-dir", defaultValue = ".caravan/bench-cli", description = "logs, node data, outputs (default: ${DEFAULT-VALUE})")
    Path workDir;

    private static final int MAX_RUNS = 10_000;

    @Override
    public Integer call() throws Exception {
        if (runs < 1 || runs > MAX_RUNS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--runs must be 1.." + MAX_RUNS + ", got " + runs);
        }
        String caravan = launcherPath();
        String redisCli = Tools.onPath("redis-cli").orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                "redis-cli is not installed (Debian package redis-tools); ./caravan installs it"));
        Files.createDirectories(workDir);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.version"));
        double loadBefore = loadAverage();
        machine.put("loadAverageBefore", loadBefore);
        // One token for all: the cluster's JVMs inherit $CARAVAN_TOKEN, this command's own connection and the timed
        // caravan commands are given the same one (a cluster with a token refuses a client without it).
        String token = Hello.tokenFromEnvironment();
        step("starting redis-server (reference) and a 3-node Caravan cluster with one kv process...");
        try (RedisServer redis = RedisServer.start(workDir.resolve("redis-server.log"));
             LocalCluster cluster = LocalCluster.builder().allowUnsigned().nodes(3).switches(0).workDir(workDir).start()) {
            try (NodeControl n1 = NodeControl.connect(cluster.nodeControls().get("n1"), "bench-cli", token, Duration.ofSeconds(30))) {
                n1.start(new ProcessSpec("bench-cli-kv", "kv", "", "", 64L << 20, Map.of()));
            }
            step("waiting for the cluster's JVMs to finish starting (at most 30 s)...");
            double daemonCpu = SettledDaemons.await(cluster.jvms().stream().map(j -> j.pid()).toList(), Duration.ofSeconds(30));
            machine.put("daemonCpuFractionBeforeRuns", daemonCpu);
            InetSocketAddress naming = cluster.namingAddress();
            List<TimedCommand> commands = commands(caravan, naming.getHostString() + ":" + naming.getPort(),
                    "127.0.0.1:" + closedPort(), redisCli, redis.port(), token);
            List<CliTimings> timings = new ArrayList<>();
            commands.forEach(c -> timings.add(new CliTimings(c)));
            Path outputs = Files.createDirectories(workDir.resolve("outputs"));
            step("warm-up: each command once...");
            for (TimedCommand c : commands) {
                c.runOnce(outputs, 0);
            }
            for (int round = 1; round <= runs; round++) {
                step(String.format(Locale.ROOT, "round %d/%d ...", round, runs));
                for (CliTimings t : timings) {
                    t.add(t.command().runOnce(outputs, round));
                }
            }
            machine.put("loadAverageAfter", loadAverage());
            CliBenchReport report = new CliBenchReport(timings);
            System.out.println();
            System.out.print(report.table());
            // Before this command's own cluster started: the load of everything else on the machine.
            if (loadBefore > Runtime.getRuntime().availableProcessors()) {
                System.out.printf(Locale.ROOT, "note: the machine was busy (load average %.1f on %d cores before the run): these are "
                        + "not an idle machine's figures%n", loadBefore, Runtime.getRuntime().availableProcessors());
            }
            report.writeJson(json, runs, caravan, machine);
            System.out.println("JSON written to " + json.toAbsolutePath());
            return report.allTargetsMet() ? 0 : 3;
        }
    }

    /**
     * The commands in the order they take turns; each caravan command names its reference and runs with
     * {@code $CARAVAN_TOKEN} set to {@code token}, the token of the cluster this command started.
     */
    static List<TimedCommand> commands(String caravan, String naming, String nowhere, String redisCli, int redisPort,
                                       String token) {
        Map<String, String> withToken = Map.of(Hello.TOKEN_ENV, token);
        return List.of(
                new TimedCommand("caravan --help", List.of(caravan, "--help"), 0,
                        o -> o.out().startsWith("Usage: caravan") && o.errLines().isEmpty(), "the usage on stdout, nothing on stderr",
                        "redis-cli --version", withToken),
                new TimedCommand("caravan ps", List.of(caravan, "ps", "--naming", naming), 0,
                        o -> o.out().contains("bench-cli-kv") && o.errLines().isEmpty(), "the kv process listed, nothing on stderr",
                        "redis-cli ping", withToken),
                new TimedCommand("caravan ps (no cluster)", List.of(caravan, "ps", "--naming", nowhere), 1,
                        o -> o.out().isEmpty() && o.errLines().size() == 1, "one line on stderr", "redis-cli ping", withToken),
                new TimedCommand("redis-cli --version", List.of(redisCli, "--version"), 0,
                        o -> o.out().startsWith("redis-cli"), "its version", null),
                new TimedCommand("redis-cli ping", List.of(redisCli, "-p", String.valueOf(redisPort), "ping"), 0,
                        o -> o.out().strip().equals("PONG"), "PONG", null));
    }

    private String launcherPath() {
        Path p = launcher;
        if (p == null) {
            String home = System.getProperty("caravan.home");
            if (home == null) {
                throw ErrorCode.INVALID_ARGUMENT.exception("no launcher to time: run this through ./caravan, or pass --launcher PATH");
            }
            p = Path.of(home, "caravan");
        }
        if (!Files.isExecutable(p)) {
            throw ErrorCode.NOT_FOUND.exception("the launcher " + p + " is not an executable file; pass --launcher PATH");
        }
        return p.toAbsolutePath().toString();
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** A loopback port that was free a moment ago, so that no cluster answers there. */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void step(String msg) {
        System.err.println("==> " + msg);
    }
}
