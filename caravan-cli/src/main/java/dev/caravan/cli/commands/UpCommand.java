package dev.caravan.cli.commands;

import dev.caravan.cli.DaemonJvmOptions;
import dev.caravan.launch.LocalCluster;
import dev.caravan.launch.NamingMain;
import dev.caravan.launch.NodeMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code caravan up}: naming plus N nodes on loopback until interrupted. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start a naming service and N nodes on loopback (separate JVMs); stay up until Ctrl-C.")
public final class UpCommand implements Callable<Integer> {
    @Option(names = "--nodes", defaultValue = "3", description = "how many nodes (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--port", defaultValue = "" + NamingMain.DEFAULT_PORT,
            description = "naming port (default: ${DEFAULT-VALUE}); other commands find it there by default")
    int port;

    @Mixin
    DaemonJvmOptions jvm;

    @Option(names = "--work-dir", defaultValue = ".caravan", description = "logs and node data (default: ${DEFAULT-VALUE})")
    Path workDir;

    @Option(names = "--prefault-reserve", paramLabel = "SIZE",
            description = "memory each node faults in at start so arriving processes find it warm (e.g. 512m; default: none)")
    String prefaultReserve;

    @Override
    public Integer call() throws Exception {
        java.util.List<String> nodeArgs = new java.util.ArrayList<>();
        if (prefaultReserve != null) {
            // A bad size is refused here, before any JVM starts, not in each node's log.
            NodeMain.chunkPoolConfig(prefaultReserve, null);
            nodeArgs.addAll(java.util.List.of("--prefault-reserve", prefaultReserve));
        }
        LocalCluster.Builder builder = jvm.applyTo(LocalCluster.builder().nodes(nodes).namingPort(port).workDir(workDir).nodeArgs(nodeArgs));
        System.out.println("starting naming on 127.0.0.1:" + port + " and " + nodes + " node(s)...");
        LocalCluster cluster = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nstopping the cluster...");
            cluster.close();
            stopped.countDown();
        }, "up-shutdown"));
        System.out.println("naming  " + cluster.namingAddress().getHostString() + ":" + cluster.namingAddress().getPort());
        cluster.nodeControls().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach(e ->
                System.out.println("node    " + e.getKey() + "  control " + e.getValue().getHostString() + ":" + e.getValue().getPort()));
        System.out.println("logs    " + workDir.resolve("logs").toAbsolutePath());
        if (port != NamingMain.DEFAULT_PORT) {
            System.out.println("tip     export CARAVAN_NAMING=127.0.0.1:" + cluster.namingAddress().getPort());
        }
        System.out.println("next    caravan deploy --sample kv --name kv1   then   caravan ps");
        System.out.println("up; press Ctrl-C to stop");
        stopped.await();
        return 0;
    }
}
