package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.commands.keys.Signed;
import dev.caravan.client.CaravanClient;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan deploy}: push a bundle (or pick a sample) and start a process on a node. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Start a process on a node.",
                "  caravan deploy app.jar --name NAME --class CLASS [--node N]   push the jar, then start",
                "  caravan deploy --bundle SHA256 --name NAME --class CLASS --node N   start from a bundle another node holds (pulled)",
                "  caravan deploy --sample kv --name NAME [--node N]   the built-in Redis-compatible process",
                "  caravan deploy --sample http --name web --replicas 3 [--label k=v]...   web-1..web-3 (HTTP sample),"
                        + " spread over the nodes, labelled service=web",
                "  ... --password-file FILE | --password-env VAR   clients must AUTH with that password",
                "  ... --client-bundle stub.jar [--client-class CLASS]   publish client code ('caravan use NAME' fetches it)"})
public final class DeployCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JAR", description = "bundle to push")
    Path jar;

    @Option(names = "--name", required = true, description = "process name, unique in the cluster")
    String name;

    @Option(names = "--class", description = "the process's class: it implements dev.caravan.core.process.CaravanProcess or"
            + " dev.caravan.core.mobility.LoopProcess (strong mobility, docs/mobility.md); needed with JAR or --bundle")
    String className;

    @Option(names = "--sample", description = "a built-in sample instead of a bundle: kv (Redis-compatible),"
            + " http (web page and per-session counter), loop-counter (a plain Java loop that moves with its locals)")
    String sample;

    @Option(names = "--bundle", paramLabel = "SHA256", converter = dev.caravan.cli.options.Sha256Converter.class,
            description = "start from a bundle already pushed to some node (by SHA-256)")
    String bundleHash;

    @Option(names = "--node", description = "node to run on (default: the schedulable node with the most free process"
            + " memory that fits --memory, then the lowest CPU load)")
    String node;

    @Option(names = "--push-to", description = "push the jar to this node instead of the target (the target then pulls it)")
    String pushTo;

    @Option(names = "--memory", defaultValue = "1g", converter = dev.caravan.cli.options.SizeConverter.class,
            description = "paged memory capacity, e.g. 512m, 4g (default: ${DEFAULT-VALUE})")
    long memoryBytes;

    @Option(names = "--model", description = "server model of its data endpoint: iterative, thread-per-request, "
            + "dispatcher-worker, virtual-threads, event-loop, hybrid, process-thread (default: the process's own thread "
            + "serves its connections, as redis-server's does)")
    String model;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "settings handed to the process")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--replicas", paramLabel = "N", description = "start N replicas NAME-1..NAME-N, each on the node hosting"
            + " fewest processes then, labelled service=NAME (a switch selects them with label:service=NAME)")
    Integer replicas;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "a label published in naming (config label.KEY);"
            + " repeatable")
    List<String> labels = new ArrayList<>();

    @Option(names = "--isolation", paramLabel = "LEVEL", description = "node (the default: in the node's JVM) or sandbox"
            + " (in a JVM of the node's for the process's slice, limited by -Xmx and, where cgroup v1 is writable, a cgroup;"
            + " docs/security/sandbox.md)")
    String isolation;

    @Option(names = "--slice", paramLabel = "SLICE", description = "the slice (tenant) the process belongs to: for a"
            + " cluster-wide admin; a tenant's token deploys into its own slice (another slice is refused); a sandboxed"
            + " process without one runs in slice 'default'")
    String slice;

    @Option(names = "--quota", paramLabel = "NAME=VALUE[,...]", description = "per-process quotas: cpu=50%% (share of one"
            + " core over 1 s), connections=100 (clients open at once; more get -ERR max number of clients reached),"
            + " rps=1000 (commands per second), handler=2s (longest one request may run: the watchdog stops the process);"
            + " repeatable. Memory is --memory")
    List<String> quotas = new ArrayList<>();

    @Option(names = "--quota-policy", paramLabel = "stop|throttle", description = "at the cpu or rps quota: stop (the"
            + " process is stopped and reported; the default) or throttle (it is slowed down until back under)")
    String quotaPolicy;

    @Option(names = "--json", description = "print the started processes as JSON")
    boolean json;

    @Option(names = "--password-file", paramLabel = "FILE", description = "the process's password (AUTH), read from FILE;"
            + " only its SHA-256 is sent")
    Path passwordFile;

    @Option(names = "--password-env", paramLabel = "VAR", description = "the process's password (AUTH), read from the"
            + " environment variable VAR; only its SHA-256 is sent")
    String passwordEnv;

    @Option(names = "--client-bundle", paramLabel = "JAR", description = "client code the process publishes (code on"
            + " demand): a jar whose entry class implements dev.caravan.client.cod.ClientCode; clients fetch it with"
            + " 'caravan use NAME'")
    Path clientBundle;

    @Option(names = "--signature", paramLabel = "FILE", description = "the jar's detached signature (default: JAR.sig beside"
            + " the jar, if present; 'caravan sign' writes it). Nodes refuse unsigned code unless run with --allow-unsigned")
    Path signature;

    @Option(names = "--client-class", paramLabel = "CLASS", description = "the entry class of --client-bundle (default:"
            + " the jar manifest's " + ClientBundleJar.MANIFEST_ATTRIBUTE + ")")
    String clientClass;

    @Override
    public Integer call() throws Exception {
        int sources = (jar != null ? 1 : 0) + (sample != null ? 1 : 0) + (bundleHash != null ? 1 : 0);
        // Every option is checked before anything is pushed or started (a refusal leaves nothing behind).
        if (sources != 1) {
            throw usage("give exactly one of JAR, --sample or --bundle");
        }
        if (sample == null && (className == null || className.isBlank())) {
            throw usage((jar != null ? "a JAR" : "--bundle") + " needs --class CLASS (the CaravanProcess or LoopProcess to run)");
        }
        if (settings.keySet().stream().anyMatch(k -> k.startsWith("auth."))) {
            throw usage("auth.* settings come from --password-file or --password-env, not --set");
        }
        if (settings.keySet().stream().anyMatch(k -> k.startsWith("quota."))) {
            throw usage("quota.* settings come from --quota and --quota-policy, not --set");
        }
        try {
            settings.putAll(dev.caravan.node.quota.QuotaSpec.settings(quotas, quotaPolicy));
        } catch (CaravanException e) {
            throw usage(e.getMessage());
        }
        if (clientClass != null && clientBundle == null) {
            throw usage("--client-class needs --client-bundle JAR");
        }
        if (isolation != null) {
            if (!isolation.equals("node") && !isolation.equals("sandbox")) {
                throw usage("--isolation must be node or sandbox, got '" + isolation + "'");
            }
            settings.put(dev.caravan.wire.node.SecuritySettings.ISOLATION, isolation);
        }
        if (slice != null) {
            try {
                settings.put(dev.caravan.wire.node.SecuritySettings.SLICE, dev.caravan.wire.security.Identity.checkSlice(slice));
            } catch (CaravanException e) {
                throw usage("--slice: " + e.getMessage());
            }
        }
        if (model != null) {
            try {
                settings.put("server.model", dev.caravan.servers.model.ServerModel.parse(model).cliName());
            } catch (CaravanException e) {
                throw usage(e.getMessage());
            }
        }
        byte[] code = jar != null ? BundleJar.read(jar, className) : null;
        ClientBundleJar stub = clientBundle != null ? ClientBundleJar.read(clientBundle, clientClass) : null;
        DeployPassword.sha256(passwordFile, passwordEnv, System::getenv)
                .ifPresent(hash -> settings.put(DeployPassword.CONFIG_KEY, hash));
        List<String> names = DeployReplicas.names(name, replicas);
        settings.putAll(DeployReplicas.labels(replicas != null ? name : null, labels));
        for (String n : names) {
            try {
                // The checks the node makes on names and memory, made here before anything is pushed.
                new ProcessSpec(n, sample != null ? sample : "", sample != null ? "" : "0".repeat(64),
                        className != null ? className : "", memoryBytes, Map.of());
            } catch (CaravanException e) {
                throw usage(e.getMessage());
            }
        }
        try (CaravanClient client = cluster.client()) {
            Map<String, InetSocketAddress> nodes = client.nodes();
            if (nodes.isEmpty()) {
                throw ErrorCode.UNAVAILABLE.exception("no nodes are registered with naming at "
                        + cluster.namingSpec() + "; start some with 'caravan up'");
            }
            List<String> targets = node != null ? java.util.Collections.nCopies(names.size(), node)
                    : placed(client, memoryBytes, names.size());
            String target = targets.get(0);
            for (String t : targets) {
                if (!nodes.containsKey(t)) {
                    throw ErrorCode.NOT_FOUND.exception("no node '" + t + "'; nodes: " + nodes.keySet());
                }
            }
            String hash = bundleHash != null ? bundleHash : "";
            if (jar != null) {
                String via = pushTo != null ? pushTo : target;
                InetSocketAddress viaControl = nodes.get(via);
                if (viaControl == null) {
                    throw ErrorCode.NOT_FOUND.exception("no node '" + via + "'; nodes: " + nodes.keySet());
                }
                hash = Signed.push(client.node(viaControl), jar, code, signature);
                if (!json) {
                    System.out.println("pushed " + jar.getFileName() + " to " + via + " as bundle " + hash);
                }
            }
            if (stub != null) {
                publishClientCode(client, nodes, pushTo != null ? pushTo : target, stub);
            }
            List<ProcessInfo> started = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                ProcessSpec spec = new ProcessSpec(names.get(i), sample != null ? sample : "", hash,
                        className != null ? className : "", memoryBytes, settings);
                try {
                    started.add(client.node(nodes.get(targets.get(i))).start(spec));
                } catch (CaravanException e) {
                    if (started.isEmpty()) {
                        throw e;
                    }
                    throw e.code().exception(names.get(i) + " did not start (" + e.getMessage() + "); started "
                            + started.stream().map(ProcessInfo::name).toList() + ", which keep running ('caravan stop' them)");
                }
                if (!json) {
                    ProcessInfo info = started.getLast();
                    System.out.println("started " + info.name() + " (" + info.id() + ") on " + info.node()
                            + ", data endpoint " + info.dataEndpoint());
                }
            }
            if (json) {
                // The same fields as 'caravan ps --json' (PsCommand.row).
                dev.caravan.cli.out.Json.print(Map.of("processes", started.stream().map(PsCommand::row).toList()));
            }
            return 0;
        }
    }

    /** Pushes the client bundle next to the process's code and declares it in the deployment's settings. */
    private void publishClientCode(CaravanClient client, Map<String, InetSocketAddress> nodes, String via, ClientBundleJar stub)
            throws java.io.IOException {
        InetSocketAddress viaControl = nodes.get(via);
        if (viaControl == null) {
            throw ErrorCode.NOT_FOUND.exception("no node '" + via + "'; nodes: " + nodes.keySet());
        }
        String hash = Signed.push(client.node(viaControl), clientBundle, stub.bytes(), null);
        settings.put(dev.caravan.wire.node.ClientBundleProtocol.BUNDLE_KEY, hash);
        settings.put(dev.caravan.wire.node.ClientBundleProtocol.CLASS_KEY, stub.entryClass());
        if (!json) {
            System.out.println("pushed client code " + clientBundle.getFileName() + " (" + stub.entryClass() + ") to " + via
                    + " as bundle " + hash);
        }
    }

    /**
     * Where {@link dev.caravan.node.Placement} puts {@code count} processes of {@code memoryBytes} each:
     * cordoned nodes skipped, replicas spread over distinct nodes while there are enough of them.
     */
    private List<String> placed(CaravanClient client, long memoryBytes, int count) {
        List<dev.caravan.wire.node.NodeStatus> table = dev.caravan.cli.commands.nodes.NodeCalls.statuses(client, cluster.token());
        List<String> targets = new ArrayList<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            java.util.Optional<String> choice = dev.caravan.node.Placement.choose(table, memoryBytes, used)
                    .map(dev.caravan.wire.node.NodeStatus::nodeId);
            if (choice.isEmpty() && !used.isEmpty()) {
                // More replicas than nodes with room: start another round over all of them.
                used.clear();
                choice = dev.caravan.node.Placement.choose(table, memoryBytes, used).map(dev.caravan.wire.node.NodeStatus::nodeId);
            }
            String chosen = choice.orElseThrow(() -> table.stream().noneMatch(dev.caravan.wire.node.NodeStatus::schedulable)
                    ? ErrorCode.UNSCHEDULABLE.exception("every node is cordoned; 'caravan uncordon NODE' one, or start more")
                    : ErrorCode.OVERLOADED.exception(dev.caravan.node.Placement.whyNoRoom(table, memoryBytes, java.util.Set.of())
                    + " for --memory " + Sizes.human(memoryBytes) + "; choose a smaller --memory or start nodes with more --process-memory"));
            used.add(chosen);
            targets.add(chosen);
        }
        return targets;
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
