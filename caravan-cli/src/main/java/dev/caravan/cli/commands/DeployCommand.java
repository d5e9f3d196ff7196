package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan deploy}: push a bundle (or pick a sample) and start a process on a node. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Start a process on a node.",
                "  caravan deploy app.jar --name NAME --class CLASS [--node N]   push the jar, then start",
                "  caravan deploy --bundle SHA256 --name NAME --class CLASS --node N   start from a bundle another node holds (pulled)",
                "  caravan deploy --sample kv --name NAME [--node N]   the built-in Redis-compatible process",
                "  ... --password-file FILE | --password-env VAR   clients must AUTH with that password"})
public final class DeployCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JAR", description = "bundle to push")
    Path jar;

    @Option(names = "--name", required = true, description = "process name, unique in the cluster")
    String name;

    @Option(names = "--class", description = "class implementing dev.caravan.core.process.CaravanProcess")
    String className;

    @Option(names = "--sample", description = "a built-in sample instead of a bundle: kv")
    String sample;

    @Option(names = "--bundle", description = "start from a bundle already pushed to some node (by SHA-256)")
    String bundleHash;

    @Option(names = "--node", description = "node to run on (default: the schedulable node with the most free process"
            + " memory that fits --memory, then the lowest CPU load)")
    String node;

    @Option(names = "--push-to", description = "push the jar to this node instead of the target (the target then pulls it)")
    String pushTo;

    @Option(names = "--memory", defaultValue = "1g", description = "paged memory capacity, e.g. 512m, 4g (default: ${DEFAULT-VALUE})")
    String memory;

    @Option(names = "--model", description = "server model of its data endpoint: iterative, thread-per-request, "
            + "dispatcher-worker, virtual-threads, event-loop, hybrid, process-thread (default: the process's own thread "
            + "serves its connections, as redis-server's does)")
    String model;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "settings handed to the process")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--password-file", paramLabel = "FILE", description = "the process's password (AUTH), read from FILE;"
            + " only its SHA-256 is sent")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", description = "the process's password (AUTH), read from the"
            + " environment variable VAR; only its SHA-256 is sent")
    String passwordEnv;

    @Override
    public Integer call() throws Exception {
        int sources = (jar != null ? 1 : 0) + (sample != null ? 1 : 0) + (bundleHash != null ? 1 : 0);
        if (sources != 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("give exactly one of JAR, --sample or --bundle");
        }
        if (settings.keySet().stream().anyMatch(k -> k.startsWith("auth."))) {
            throw ErrorCode.INVALID_ARGUMENT.exception("auth.* settings come from --password-file or --password-env, not --set");
        }
        DeployPassword.sha256(passwordFile, passwordEnv, System::getenv)
                .ifPresent(hash -> settings.put(DeployPassword.CONFIG_KEY, hash));
        try (CaravanClient client = cluster.client()) {
            Map<String, InetSocketAddress> nodes = client.nodes();
            if (nodes.isEmpty()) {
                throw ErrorCode.UNAVAILABLE.exception("no nodes are registered with naming at "
                        + cluster.namingAddress() + "; start some with 'caravan up'");
            }
            long memoryBytes = Sizes.parse(memory);
            String target = node != null ? node : placed(client, memoryBytes);
            InetSocketAddress targetControl = nodes.get(target);
            if (targetControl == null) {
                throw ErrorCode.NOT_FOUND.exception("no node '" + target + "'; nodes: " + nodes.keySet());
            }
            String hash = bundleHash != null ? bundleHash : "";
            if (jar != null) {
                if (!Files.isRegularFile(jar)) {
                    throw ErrorCode.NOT_FOUND.exception("no such file: " + jar);
                }
                String via = pushTo != null ? pushTo : target;
                InetSocketAddress viaControl = nodes.get(via);
                if (viaControl == null) {
                    throw ErrorCode.NOT_FOUND.exception("no node '" + via + "'; nodes: " + nodes.keySet());
                }
                hash = client.node(viaControl).putBundle(Files.readAllBytes(jar));
                System.out.println("pushed " + jar.getFileName() + " to " + via + " as bundle " + hash);
            }
            if (model != null) {
                settings.put("server.model", dev.caravan.servers.model.ServerModel.parse(model).cliName());
            }
            ProcessSpec spec = new ProcessSpec(name, sample != null ? sample : "", hash,
                    className != null ? className : "", memoryBytes, settings);
            ProcessInfo info = client.node(targetControl).start(spec);
            System.out.println("started " + info.name() + " (" + info.id() + ") on " + info.node()
                    + ", data endpoint " + info.dataEndpoint());
            return 0;
        }
    }

    /** Where {@link dev.caravan.node.Placement} puts a process of {@code memoryBytes}; cordoned nodes are skipped. */
    private String placed(CaravanClient client, long memoryBytes) {
        java.util.List<dev.caravan.wire.node.NodeStatus> table =
                dev.caravan.cli.commands.nodes.NodeCalls.statuses(client, cluster.token());
        return dev.caravan.node.Placement.choose(table, memoryBytes, java.util.Set.of())
                .map(dev.caravan.wire.node.NodeStatus::nodeId)
                .orElseThrow(() -> table.stream().noneMatch(dev.caravan.wire.node.NodeStatus::schedulable)
                        ? ErrorCode.UNSCHEDULABLE.exception("every node is cordoned; 'caravan uncordon NODE' one, or start more")
                        : ErrorCode.OVERLOADED.exception(dev.caravan.node.Placement.whyNoRoom(table, memoryBytes, java.util.Set.of())
                        + " for --memory " + memory + "; choose a smaller --memory or start nodes with more --process-memory"));
    }
}
