package dev.caravan.cli.commands;

import dev.caravan.cli.DaemonJvmOptions;
import dev.caravan.cli.bench.KvLoad;
import dev.caravan.cli.bench.migration.DashboardScreenshot;
import dev.caravan.cli.bench.migration.MigrationDemo;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.KvFiller;
import dev.caravan.core.time.Clock;
import dev.caravan.launch.LocalCluster;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan demo}: the main job on the embedded default. A naming service, three nodes and
 * a switch in separate JVMs, the Redis-compatible process on one of them (and where clients reach
 * it through the switch), data loaded, a load
 * run against it, a table; then the process migrates between the nodes once per mode while a
 * load runs, and a per-mode table; and a clean shutdown (also on Ctrl-C).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start naming + 3 nodes + a switch + the dashboard (separate JVMs), deploy the Redis-compatible process, load it, "
                + "run a load, migrate it in each mode under load, print the tables, screenshot the dashboard during a migration, shut down.")
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keys", defaultValue = "100000", description = "keys to load (default: ${DEFAULT-VALUE})")
    int keys;

    @Option(names = "--requests", defaultValue = "200000", description = "requests per load test (default: ${DEFAULT-VALUE})")
    int requests;

    @Mixin
    DaemonJvmOptions jvm;

    @Option(names = "--work-dir", defaultValue = ".caravan/demo", description = "logs and node data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--screenshot", defaultValue = "bench-results/dashboard-migration.png",
            description = "where the picture of the dashboard during a migration goes (default: ${DEFAULT-VALUE})")
    Path screenshot;

    @Override
    public Integer call() throws Exception {
        long t0 = Clock.system().nanoTime();
        step("starting a naming service, 3 nodes, a switch and the dashboard on loopback (separate JVMs)...");
        step("development mode: the nodes load unsigned code (--allow-unsigned); see docs/security/signing.md");
        LocalCluster cluster = jvm.applyTo(LocalCluster.builder().allowUnsigned().nodes(3).workDir(workDir)).dashboards(1).start();
        Thread hook = new Thread(() -> {
            cluster.close();
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CaravanClient client = CaravanClient.connect(cluster.namingAddress(), "", Duration.ofSeconds(10))) {
            step("naming at " + addr(cluster.namingAddress()) + "; nodes " + cluster.nodeIds());
            step("dashboard http://" + addr(cluster.dashboardAddress()) + " (open it to watch the migrations below)");
            InetSocketAddress n2 = cluster.nodeControls().get("n2");
            ProcessInfo kv = client.node(n2).start(new ProcessSpec("kv1", "kv", "", "", 2L << 30, Map.of()));
            step("deployed the Redis-compatible process kv1 on " + kv.node() + ", data endpoint " + kv.dataEndpoint());
            InetSocketAddress data = new InetSocketAddress(kv.dataHost(), kv.dataPort());
            switchAddress(client, "kv1").ifPresentOrElse(
                    front -> step("clients connect through the switch at " + front + " (redis-cli -p "
                            + front.substring(front.lastIndexOf(':') + 1) + "); that address stays while kv1 moves between nodes"),
                    () -> step("the switch has not registered front/kv1 yet; see caravan ps --naming "
                            + addr(cluster.namingAddress())));

            step("loading " + keys + " keys (100-byte values, pipelined)...");
            KvFiller.fill(data, keys, 100);
            Reply probe = client.call("kv1", "GET", "key:" + (keys - 1));
            if (!(probe instanceof Reply.Bulk)) {
                throw ErrorCode.INTERNAL.exception("loaded data did not read back through the client library: " + probe);
            }
            step("read back key:" + (keys - 1) + " through the client library (" + client.locate("kv1").node() + ")");

            KvLoad.Table table = KvLoad.run(data, requests, keys, msg -> step(msg));
            System.out.println();
            System.out.println(table.render());
            ProcessInfo after = client.node(n2).inspect("kv1");
            System.out.printf("kv1 on %s: %d pages (%s off-heap), %d commands served%n", after.node(), after.allocatedPages(),
                    Sizes.human(after.memoryBytes()), after.commandsServed());

            MigrationDemo.Outcome moved = MigrationDemo.run(kv, cluster.nodeControls(), List.of("n2", "n3", "n1"), keys,
                    msg -> step(msg));
            System.out.println();
            System.out.println(moved.table());
            String at = client.resolve("kv1").orElseThrow().node();
            String to = cluster.nodeIds().stream().filter(n -> !n.equals(at)).findFirst().orElseThrow();
            step("migrating kv1 " + at + " -> " + to + " from the dashboard's page in a headless Chromium, for a screenshot...");
            step(DashboardScreenshot.take(cluster.dashboardAddress(), "kv1", to, screenshot));
            if (!moved.clean()) {
                System.err.println("a migration under load failed a request, lost an acknowledged write or did not commit");
                return 1;
            }
            if (!cluster.loggedErrors().isEmpty()) {
                System.err.println("errors logged by the daemons:\n  " + String.join("\n  ", cluster.loggedErrors()));
                return 1;
            }
        } finally {
            step("shutting down...");
            cluster.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // Already shutting down: the hook is running or has run.
            }
        }
        step(String.format("done in %.1f s; logs in %s", (Clock.system().nanoTime() - t0) / 1e9, workDir.resolve("logs")));
        return 0;
    }

    /** {@code front/<process>} (host:port through the switch) once the switch has registered it; empty after 10 s. */
    private static java.util.Optional<String> switchAddress(CaravanClient client, String process) throws InterruptedException {
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(1);
        dev.caravan.naming.Watch watch = client.naming().watch("front/" + process, e -> seen.countDown());
        try {
            java.util.Optional<dev.caravan.naming.NamingEntry> now = client.naming().lookup("front/" + process);
            if (now.isEmpty() && seen.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                now = client.naming().lookup("front/" + process);
            }
            return now.map(e -> e.host() + ":" + e.port());
        } finally {
            watch.close();
        }
    }

    private static String addr(InetSocketAddress a) {
        return a.getHostString() + ":" + a.getPort();
    }

    private static void step(String msg) {
        System.out.println("==> " + msg);
    }
}
