package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.CaravanClient.NodeListing;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.ProcessInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan ps}: every process in the cluster, asked of all nodes at once with a short
 * deadline per node. STATE is the process's state, or BUSY (one command running for long),
 * STUCK (did not stop by its deadline and was abandoned); DETAIL says why, and why a process
 * FAILED. SWITCH ({@code switch} in JSON) is where clients reach the process through the switch
 * (naming's {@code front/<name>}: a RESP process's own front end, or the front end of the HTTP
 * service it belongs to; "-" when it has none), FRONT ({@code front}) the node-local stable
 * endpoint, if any. That endpoint lives on the process's home node and dies with it, while the
 * process runs on elsewhere: every FRONT is tried (a TCP connect, all at once, at most
 * {@value #FRONT_PROBE_MS} ms) and one that does not answer is shown as {@code gone} (JSON:
 * {@code "frontReachable": false}) rather than as an address nobody serves.
 * A node that does not answer in time is listed as UNREACHABLE and the exit code is 1.
 */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = "List processes: node, state (BUSY, STUCK, FAILED with the reason), switch address, endpoints, pages.")
public final class PsCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Option(names = "--node-timeout-ms", defaultValue = "2000",
            description = "how long to wait for each node (default: ${DEFAULT-VALUE})")
    long nodeTimeoutMs;

    static final int FRONT_PROBE_MS = 300;

    /** The FRONT addresses among {@code processes} that accept a connection now (probed in parallel). */
    static java.util.Set<String> reachableFronts(List<ProcessInfo> processes) throws InterruptedException {
        java.util.Set<String> fronts = new java.util.HashSet<>();
        processes.forEach(p -> {
            if (!p.front().isEmpty()) {
                fronts.add(p.front());
            }
        });
        java.util.Set<String> reachable = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> probes = new ArrayList<>();
        for (String front : fronts) {
            probes.add(Thread.ofVirtual().start(() -> {
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(dev.caravan.wire.net.HostPort.parse(front), FRONT_PROBE_MS);
                    reachable.add(front);
                } catch (java.io.IOException | RuntimeException e) {
                    // Not answering: its home node is gone (or unreachable from here).
                }
            }));
        }
        for (Thread t : probes) {
            t.join();
        }
        return reachable;
    }

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<ProcessInfo> all = new ArrayList<>();
            List<NodeListing> unreachable = new ArrayList<>();
            for (NodeListing n : client.listAll(Duration.ofMillis(Math.max(1, nodeTimeoutMs)))) {
                all.addAll(n.processes());
                if (!n.reachable()) {
                    unreachable.add(n);
                }
            }
            all.sort((a, b) -> a.name().compareTo(b.name()));
            Map<String, String> switchAddresses = new java.util.HashMap<>();
            client.naming().list("front/").forEach(e -> switchAddresses.put(e.name().substring("front/".length()),
                    e.host() + ":" + e.port()));
            java.util.Set<String> liveFronts = reachableFronts(all);
            if (json) {
                List<Map<String, String>> nodes = new ArrayList<>();
                for (NodeListing n : unreachable) {
                    Map<String, String> m = new LinkedHashMap<>();
                    m.put("node", n.node());
                    m.put("control", n.control().getHostString() + ":" + n.control().getPort());
                    m.put("reason", n.unreachable());
                    nodes.add(m);
                }
                ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                List<Map<String, Object>> processes = new ArrayList<>();
                for (ProcessInfo p : all) {
                    Map<String, Object> row = m.convertValue(p, new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
                    row.put("switch", switchAddresses.getOrDefault(p.name(), ""));
                    row.put("frontReachable", !p.front().isEmpty() && liveFronts.contains(p.front()));
                    processes.add(row);
                }
                System.out.println(m.writeValueAsString(Map.of("processes", processes, "unreachableNodes", nodes)));
                return unreachable.isEmpty() ? 0 : 1;
            }
            String row = "%-16s %-17s %-6s %-11s %5s %-21s %-21s %-21s %8s %8s %10s %10s  %s%n";
            System.out.printf(Locale.ROOT, row, "NAME", "ID", "NODE", "STATE", "EPOCH", "SWITCH", "FRONT", "DATA ENDPOINT",
                    "PAGES", "DIRTY", "MEMORY", "SERVED", "DETAIL");
            for (ProcessInfo p : all) {
                System.out.printf(Locale.ROOT, row, p.name(), p.id(), p.node(), p.state(), p.epoch(),
                        switchAddresses.getOrDefault(p.name(), "-"), p.front().isEmpty() ? "-" : liveFronts.contains(p.front()) ? p.front() : "gone", p.dataEndpoint(), p.allocatedPages(), p.dirtyPages(),
                        Sizes.human(p.memoryBytes()), p.commandsServed(), p.stateDetail());
            }
            for (NodeListing n : unreachable) {
                System.out.printf(Locale.ROOT, row, "?", "-", n.node(), "UNREACHABLE", "-", "-", "-",
                        n.control().getHostString() + ":" + n.control().getPort(), "-", "-", "-", "-", n.unreachable());
            }
            if (all.isEmpty() && unreachable.isEmpty()) {
                System.out.println("(no processes; start one with 'caravan deploy --sample kv --name kv1')");
            }
            for (NodeListing n : unreachable) {
                System.err.println("caravan: node " + n.node() + " does not answer: " + n.unreachable());
            }
            return unreachable.isEmpty() ? 0 : 1;
        }
    }
}
