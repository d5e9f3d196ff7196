package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.Daemon;
import dev.caravan.cli.Sizes;
import dev.caravan.core.memory.ChunkPool;
import dev.caravan.core.time.Clock;
import dev.caravan.naming.RemoteNamingService;
import dev.caravan.node.NodeConfig;
import dev.caravan.node.NodeDaemon;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code caravan node}: a daemon that hosts processes. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = "Run a node daemon: hosts processes, serves their data endpoints and a control port.")
public final class NodeCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--id", required = true, description = "node id, unique in the cluster")
    String id;

    @Option(names = "--bind", defaultValue = "127.0.0.1", description = "address for control and data endpoints (default: ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--port", defaultValue = "0", description = "control port; 0 picks a free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--data-dir", description = "where bundles are stored (default: .caravan/nodes/ID)")
    Path dataDir;

    @Option(names = "--lease-ms", defaultValue = "3000", description = "naming lease; the node stops answering if it cannot renew it for this long (default: ${DEFAULT-VALUE})")
    long leaseMs;

    @Option(names = "--device", paramLabel = "TYPE=PATH",
            description = "a node-local device (path under DATA-DIR/resources) that processes bound by type are rebound to")
    java.util.Map<String, String> devices = new java.util.LinkedHashMap<>();

    @Option(names = "--prefault-reserve", paramLabel = "SIZE",
            description = "memory (e.g. 512m, 2g) to fault in at start, in the background, so the first arriving process "
                    + "finds it warm (default: none)")
    String prefaultReserve;

    @Option(names = "--memory-pool-max", paramLabel = "SIZE",
            description = "memory that departed processes may leave warm for arriving ones (default: 256m, or the "
                    + "pre-fault reserve if larger)")
    String memoryPoolMax;

    @Option(names = "--stop-deadline-ms", defaultValue = "" + NodeConfig.DEFAULT_STOP_DEADLINE_MS,
            description = "how long stopping a process may take before it is abandoned (default: ${DEFAULT-VALUE})")
    long stopDeadlineMs;

    @Option(names = "--exit-on-stdin-eof", description = "exit when standard input closes (used by launchers)")
    boolean exitOnStdinEof;

    @Override
    public Integer call() throws Exception {
        ChunkPool.Config pool = chunkPoolConfig(prefaultReserve, memoryPoolMax);
        Path dir = dataDir != null ? dataDir : Path.of(".caravan", "nodes", id);
        NodeConfig config = new NodeConfig(id, bind, port, cluster.namingAddress(), dir, leaseMs, cluster.token(), 4096, devices,
                stopDeadlineMs, pool, dev.caravan.migration.MigrationSettings.defaults());
        RemoteNamingService naming = new RemoteNamingService(config.naming(), new Hello("node/" + id, config.token()),
                Duration.ofSeconds(5));
        NodeDaemon node;
        try {
            node = NodeDaemon.start(config, naming, Clock.system());
        } catch (Exception e) {
            try {
                naming.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        Daemon.announce("{\"role\":\"node\",\"id\":\"" + id + "\",\"control\":\"" + bind + ":" + node.controlAddress().getPort() + "\"}");
        Thread.ofPlatform().daemon(true).name("node-closed-watch").start(() -> {
            try {
                node.awaitClosed();
                // Closed from the control port (NODE_SHUTDOWN): leave the JVM.
                System.exit(0);
            } catch (InterruptedException ignored) {
                // JVM is exiting anyway.
            }
        });
        Daemon.runUntilStopped(exitOnStdinEof, () -> CloseAll.closeAll("closing node " + id, node, naming));
        return 0;
    }

    /** The pool settings from {@code --prefault-reserve} and {@code --memory-pool-max} (either may be null). */
    static ChunkPool.Config chunkPoolConfig(String prefaultReserve, String memoryPoolMax) {
        long reserve = prefaultReserve == null ? 0 : size("--prefault-reserve", prefaultReserve);
        if (memoryPoolMax == null) {
            return ChunkPool.Config.defaults().withPrefault(reserve);
        }
        long max = size("--memory-pool-max", memoryPoolMax);
        if (reserve > max) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--prefault-reserve " + prefaultReserve + " exceeds --memory-pool-max "
                    + memoryPoolMax);
        }
        return new ChunkPool.Config(max, reserve);
    }

    private static long size(String option, String value) {
        try {
            return Sizes.parse(value);
        } catch (CaravanException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(option + ": " + e.getMessage());
        }
    }
}
