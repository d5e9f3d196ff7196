package dev.caravan.cli.commands;

import dev.caravan.cli.DaemonJvmOptions;
import dev.caravan.launch.LocalCluster;
import dev.caravan.launch.NamingMain;
import dev.caravan.launch.NodeMain;
import dev.caravan.naming.NamingSpec;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.wire.net.Hello;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code caravan up}: naming, N nodes, a switch and the dashboard on loopback until interrupted.
 * With {@code --naming SPEC} (for example the {@code zk://…} that {@code caravan zookeeper}
 * prints) the daemons use that naming service and no naming JVM starts.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start a naming service, N nodes, a switch and the web dashboard on loopback (separate JVMs); stay up until Ctrl-C.")
public final class UpCommand implements Callable<Integer> {
    /** The most nodes {@link LocalCluster} starts. */
    static final int MAX_NODES = 64;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--nodes", defaultValue = "3", description = "how many nodes, 0..64 (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--port", defaultValue = "" + NamingMain.DEFAULT_PORT, converter = dev.caravan.cli.options.PortConverter.class,
            description = "naming port (default: ${DEFAULT-VALUE}); other commands find it there by default")
    int port;

    @Option(names = "--naming", paramLabel = "SPEC", converter = dev.caravan.cli.options.NamingSpecConverter.class,
            description = "use this naming service instead of starting one: zk://HOST:PORT[,HOST:PORT...][/CHROOT] of ZooKeeper "
                    + "(e.g. what 'caravan zookeeper' prints) or HOST:PORT of a running 'caravan naming' (default: start one on --port)")
    String naming;

    @Option(names = "--switches", defaultValue = "1",
            description = "switches in front of the nodes, 0.." + LocalCluster.MAX_SWITCHES + " (default: ${DEFAULT-VALUE}); processes are"
                    + " reachable through them by name; with 2 or more, switch sI binds 127.0.0.I and they share their front ends")
    int switches;

    @Mixin
    DaemonJvmOptions jvm;

    @Option(names = "--work-dir", defaultValue = ".caravan", description = "logs and node data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--prefault-reserve", paramLabel = "SIZE",
            description = "memory each node faults in at start so arriving processes find it warm (e.g. 512m; default: none)")
    String prefaultReserve;

    @picocli.CommandLine.Mixin
    dev.caravan.cli.options.BalanceOptions balance;

    @Option(names = "--tls", description = "run every daemon over mutual TLS: makes the CA in WORK-DIR/pki (once) and an identity for "
            + "naming, each node, each switch and 'admin' (the CLI's), then prints the export CARAVAN_TLS=... line to use")
    boolean tls;

    @Option(names = "--signed", description = "nodes require code signed by a key trusted in --trust-dir (default: development "
            + "mode, unsigned code allowed)")
    boolean signed;

    @Option(names = "--trust-dir", defaultValue = ".caravan/trust", description = "trusted code-signing keys, with --signed "
            + "(default: ${DEFAULT-VALUE})")
    Path trustDir;

    @Override
    public Integer call() throws Exception {
        // Everything is checked before the first line is printed or the first JVM starts.
        if (nodes < 0 || nodes > MAX_NODES) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--nodes must be 0.." + MAX_NODES
                    + ", got " + nodes);
        }
        if (switches < 0 || switches > LocalCluster.MAX_SWITCHES) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--switches must be 0.." + LocalCluster.MAX_SWITCHES
                    + ", got " + switches);
        }
        NamingSpec external = naming == null ? null : NamingSpec.parse(naming);
        if (external == null) {
            dev.caravan.cli.options.PortCheck.free("127.0.0.1", port, "naming");
        }
        java.util.List<String> nodeArgs = new java.util.ArrayList<>();
        if (prefaultReserve != null) {
            // A bad size is refused here, before any JVM starts, not in each node's log.
            NodeMain.chunkPoolConfig(prefaultReserve, null);
            nodeArgs.addAll(java.util.List.of("--prefault-reserve", prefaultReserve));
        }
        nodeArgs.addAll(balance.nodeArgs(spec.commandLine()));
        LocalCluster.Builder builder = jvm.applyTo(LocalCluster.builder().nodes(nodes).namingPort(port).workDir(workDir).nodeArgs(nodeArgs)
                .switches(switches).dashboards(1).naming(external));
        if (tls) {
            builder.tls(workDir.resolve("pki"));
        }
        if (signed) {
            builder.trustDir(trustDir);
        } else {
            builder.allowUnsigned();
        }
        System.out.println((external == null ? "starting naming on 127.0.0.1:" + port : "using naming at " + external) + ", "
                + nodes + " node(s)" + (switches == 1 ? " and a switch" : switches > 1 ? " and " + switches + " switches" : "") + "...");
        System.out.println(signed ? "signed code required: keys trusted in " + trustDir.toAbsolutePath()
                : "development mode: nodes load unsigned code (use --signed to require signatures)");
        LocalCluster cluster = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        cluster.onNodeExit((id, code) -> {
            if (!stopping.get()) {
                System.err.println("caravan up: node " + id + " exited (" + exitMeaning(code) + "); naming reports it lost when its"
                        + " lease ends; its log: " + workDir.resolve("logs").resolve(id + ".log").toAbsolutePath());
            }
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping.set(true);
            System.out.println("\nstopping the cluster...");
            cluster.close();
            stopped.countDown();
        }, "up-shutdown"));
        System.out.println("naming  " + cluster.namingSpec() + metricsAt(cluster.namingAdmin(), cluster.pki().isPresent()));
        java.util.Map<String, InetSocketAddress> admins = cluster.nodeAdmins();
        cluster.nodeControls().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e ->
                System.out.println("node    " + e.getKey() + "  control " + e.getValue().getHostString() + ":" + e.getValue().getPort()
                        + metricsAt(admins.get(e.getKey()), cluster.pki().isPresent())));
        if (switches > 0) {
            printSwitch(cluster);
        }
        System.out.println("dashboard http://" + cluster.dashboardAddress().getHostString() + ":"
                + cluster.dashboardAddress().getPort());
        System.out.println("logs    " + workDir.resolve("logs").toAbsolutePath());
        System.out.println("slices  " + workDir.resolve("slices").toAbsolutePath() + "   (the nodes' --slices-dir: caravan slice create"
                + " writes there" + (workDir.equals(java.nio.file.Path.of(".caravan")) ? ")" : " with --slices-dir "
                + workDir.resolve("slices") + ")"));
        cluster.pki().ifPresent(pki -> System.out.println("tls     export CARAVAN_TLS=" + pki.admin().toAbsolutePath()
                + "   (mutual TLS on naming, control and admin ports; more identities: caravan certs issue NAME --role ROLE --dir "
                + pki.directory() + ")"));
        if (external != null || port != NamingMain.DEFAULT_PORT) {
            System.out.println("tip     export CARAVAN_NAMING=" + cluster.namingSpec());
        }
        System.out.println("next    caravan deploy --sample kv --name kv1   then   caravan ps"
                + (switches > 0 ? "   (column SWITCH: the process's address through the switch)" : ""));
        if (switches > 0) {
            System.out.println("next    caravan deploy --sample http --name web --replicas 3   then   curl http://SWITCH/"
                    + "   (web-1..3 share one round-robin front end)");
        }
        System.out.println("up; press Ctrl-C to stop");
        stopped.await();
        return 0;
    }

    /** "  metrics http[s]://HOST:PORT/metrics" for a daemon's admin (observation) port, "" when it has none. */
    private static String metricsAt(InetSocketAddress admin, boolean tls) {
        return admin == null ? "" : "  metrics " + (tls ? "https" : "http") + "://" + admin.getHostString() + ":" + admin.getPort() + "/metrics";
    }

    /** An exit code as people read it: {@code code 137, killed by SIGKILL}. */
    static String exitMeaning(int code) {
        return "code " + code + switch (code) {
            case 0 -> ", a clean stop";
            case 137 -> ", killed by SIGKILL";
            case 143 -> ", stopped by SIGTERM";
            case 130 -> ", stopped by SIGINT";
            default -> code > 128 ? ", killed by signal " + (code - 128) : ", an error: see its log";
        };
    }

    /** Each switch's admin port, s1's metrics port and each of its front ends' ports. */
    private static void printSwitch(LocalCluster cluster) {
        for (java.util.Map.Entry<String, InetSocketAddress> s : cluster.switchAdmins().entrySet()) {
            InetSocketAddress admin = s.getValue();
            String id = s.getKey();
            System.out.println("switch  " + id + "  admin " + admin.getHostString() + ":" + admin.getPort()
                    + (id.equals("s1") ? metricsAt(cluster.switchMetrics(), cluster.pki().isPresent()) : ""));
            JsonNode frontends = new AdminClient(admin, Hello.tokenFromEnvironment(), Duration.ofSeconds(10)).get("/frontends");
            for (JsonNode f : frontends.get("frontends")) {
                System.out.println("switch  " + id + "  frontend " + f.get("name").asText() + " " + f.get("address").asText() + " ("
                        + f.get("protocol").asText() + ", " + f.get("mode").asText() + ")");
            }
        }
        if (cluster.switchAdmins().size() > 1) {
            System.out.println("tip     front ends added on any switch run on every switch; 'caravan dns serve' answers"
                    + " switch.caravan.internal with every live switch");
        }
    }
}
