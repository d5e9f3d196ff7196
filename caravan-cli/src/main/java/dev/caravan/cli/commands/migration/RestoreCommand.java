package dev.caravan.cli.commands.migration;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.CheckpointRestorer;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.MigrationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan restore}: start a process from a checkpoint file on any node. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Start a process from a checkpoint on a node (the file is read here and streamed to the node).")
public final class RestoreCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "FILE", description = "checkpoint file")
    Path file;

    @Option(names = "--node", required = true, description = "node to run it on")
    String node;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Option(names = "--name", description = "run it under a new name (default: the checkpoint's; it must not be running)")
    String name;

    @Option(names = "--bundle", paramLabel = "HASH|JAR", converter = dev.caravan.cli.options.BundleRefConverter.class, description = "run another build of the checkpoint's bundle: a bundle hash (64 hex digits), or a jar pushed to the node"
            + " first. Its code must read the checkpoint's state version (CaravanProcess.readsStateVersion); if not, nothing is"
            + " registered.")
    String bundle;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(file)) {
            throw ErrorCode.NOT_FOUND.exception("no such file: " + file);
        }
        try (CaravanClient client = cluster.client()) {
            Map<String, InetSocketAddress> nodes = client.nodes();
            InetSocketAddress control = nodes.get(node);
            if (control == null) {
                throw ErrorCode.NOT_FOUND.exception("no node '" + node + "'; nodes: " + nodes.keySet());
            }
            String hash = bundle == null ? "" : UpgradeBundle.hash(cluster, "--bundle", bundle, node, output.json);
            MigrationReport r = new CheckpointRestorer(client, cluster.token()).restore(file, node, control, name, hash);
            if (output.json) {
                dev.caravan.cli.out.Json.print(r);
                return 0;
            }
            System.out.printf("restored %s on %s (epoch %d) from %s in %d ms%n", r.name(), node, r.epoch(), file, r.totalMs());
            return 0;
        }
    }
}
