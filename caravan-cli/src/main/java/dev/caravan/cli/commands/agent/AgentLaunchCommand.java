package dev.caravan.cli.commands.agent;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.out.Json;
import dev.caravan.client.CaravanClient;
import dev.caravan.core.mobility.AgentProtocol;
import dev.caravan.core.mobility.Itinerary;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessSpec;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code caravan agent launch}: pushes the agent's bundle to its home node and starts it there as
 * the process {@code agent-<id>}, with its itinerary in its settings; then follows it (each hop as
 * it is seen, its clones too) until it is home and done, and prints its results.
 */
@CommandLine.Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Launch a mobile agent: a LoopProcess class in a bundle, started on its home node as agent-ID.",
                "It visits the nodes of its itinerary in order (moving itself with its stack and locals), may clone itself,",
                "and brings results home. Prints the id, each hop as it happens, then the results (--detach: the id only).",
                "  caravan agent launch search-agent.jar --class agents.SearchAgent --itinerary n1,n2,n3 --set match=kv"})
public final class AgentLaunchCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BUNDLE", description = "the agent's bundle (a jar)")
    Path jar;

    @Option(names = "--class", required = true, description = "class implementing dev.caravan.core.mobility.LoopProcess")
    String className;

    @Option(names = "--itinerary", required = true, paramLabel = "N1,N2,...", description = "nodes to visit, in order")
    String itinerary;

    @Option(names = "--on-down", defaultValue = "skip", paramLabel = "skip|retry|home",
            description = "when the next node is down: go on to the one after, try again (--set retries=3 retry-ms=500), or"
                    + " come home (default: ${DEFAULT-VALUE})")
    String onDown;

    @Option(names = "--home", paramLabel = "NODE", description = "where it starts and brings results (default: the first"
            + " registered node in name order)")
    String home;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "settings handed to the agent (e.g. match=kv, clone=true)")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--memory", defaultValue = "16m", converter = dev.caravan.cli.options.SizeConverter.class,
            description = "the agent's paged memory (default: ${DEFAULT-VALUE})")
    long memoryBytes;

    @Option(names = "--detach", description = "print only the id on stdout (the rest goes to stderr) and return at once:"
            + " id=$(caravan agent launch ... --detach)")
    boolean detach;

    @Option(names = "--timeout", defaultValue = "300s", paramLabel = "DURATION", converter = dev.caravan.cli.options.MillisConverter.class,
            description = "how long to follow it before returning, e.g. 90s, 5m (it keeps going; default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Option(names = "--json", description = "print {id, process, home, results} as JSON at the end (progress goes to stderr)")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Map<String, String> config = new HashMap<>(settings);
        config.put(Itinerary.STOPS_KEY, itinerary);
        config.put(Itinerary.ON_DOWN_KEY, onDown);
        config.put(Itinerary.HOME_KEY, home == null ? "unset" : home);
        try {
            Itinerary.from(config);
        } catch (CaravanException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (!Files.isRegularFile(jar)) {
            throw ErrorCode.NOT_FOUND.exception("no such file: " + jar);
        }
        String id = HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(4));
        String process = AgentProtocol.processName(id);
        PrintStream progress = json || detach ? System.err : System.out;
        try (CaravanClient client = cluster.client()) {
            Map<String, InetSocketAddress> nodes = client.nodes();
            if (nodes.isEmpty()) {
                throw ErrorCode.UNAVAILABLE.exception("no nodes are registered with naming at " + cluster.namingSpec()
                        + "; start some with 'caravan up'");
            }
            String homeNode = home != null ? home : nodes.keySet().iterator().next();
            InetSocketAddress control = nodes.get(homeNode);
            if (control == null) {
                throw ErrorCode.NOT_FOUND.exception("no node '" + homeNode + "'; nodes: " + nodes.keySet());
            }
            config.put(Itinerary.HOME_KEY, homeNode);
            String hash = dev.caravan.cli.commands.keys.Signed.push(client.node(control), jar, Files.readAllBytes(jar), null);
            client.node(control).start(new ProcessSpec(process, "", hash, className, memoryBytes, config));
            progress.println("agent " + id + " launched on " + homeNode + " as " + process + ": itinerary " + itinerary
                    + ", on-down " + onDown);
            if (detach) {
                if (json) {
                    print(id, process, homeNode, null);
                } else {
                    System.out.println(id);
                }
                return 0;
            }
            String results = follow(client, id, progress);
            if (json) {
                print(id, process, homeNode, results);
            } else {
                System.out.print(results);
            }
            return 0;
        }
    }

    private static void print(String id, String process, String home, String results) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("process", process);
        m.put("home", home);
        if (results != null) {
            m.put("results", results.lines().toList());
        }
        Json.print(m);
    }

    /** Prints each change of each agent process's place or status until the agent is done; returns its results. */
    private String follow(CaravanClient client, String id, PrintStream progress) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Map<String, String> last = new HashMap<>();
        int missing = 0;
        while (true) {
            List<AgentCalls.Sighting> seen = AgentCalls.find(client, id);
            for (AgentCalls.Sighting s : seen) {
                String line = s.process() + " on " + s.node() + ": " + s.state() + (s.hop().isEmpty() ? "" : " hop " + s.hop())
                        + (s.detail().isEmpty() ? "" : " " + s.detail());
                if (!line.equals(last.put(s.process(), line))) {
                    progress.println(line);
                }
            }
            AgentCalls.Sighting main = seen.stream().filter(s -> !s.isClone()).findFirst().orElse(null);
            if (main != null && main.settled()) {
                return AgentResultsCommand.fetch(client, id);
            }
            // Between two registrations of a move it may be briefly unregistered; gone for long, it was killed.
            missing = main == null ? missing + 1 : 0;
            if (missing > 50) {
                throw ErrorCode.NOT_FOUND.exception("agent " + id + " is no longer registered (killed, or it failed); see caravan ps");
            }
            if (System.nanoTime() > deadline) {
                throw ErrorCode.TIMEOUT.exception("agent " + id + " is not home after " + timeoutMs / 1000.0 + " s; it goes on:"
                        + " caravan agent list, caravan agent results " + id);
            }
            Thread.sleep(200); // polling period between two looks at the cluster, not synchronization
        }
    }
}
