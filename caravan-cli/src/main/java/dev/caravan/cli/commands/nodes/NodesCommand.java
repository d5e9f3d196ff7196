package dev.caravan.cli.commands.nodes;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.commands.observe.AdminClient;
import dev.caravan.cli.commands.observe.EventsCommand;
import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.JsonOption;
import dev.caravan.cli.out.Style;
import dev.caravan.cli.out.Table;
import dev.caravan.client.CaravanClient;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.NodeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan nodes}: every registered node with its control endpoint, its STATE (READY,
 * CORDONED, DRAINING — a drain began and has not ended, per the node's events — SANDBOX, listed after its host,
 * or UNREACHABLE),
 * its processes, free process memory, memory allocated of its capacity, CPU load, LEASE AGE (time
 * since naming last saw its lease renewed, from naming's admin port {@code /leases}; a node renews
 * every quarter of {@code --lease-ms}, so an age near the lease means it is about to be dropped) and
 * admin port.
 * A node that naming saw leave (its {@code node-lost} event, from naming's admin port) and that has
 * not come back is listed as LOST with the time, for as long as naming keeps the event. A node that
 * does not answer is listed as UNREACHABLE and the exit code is 1. JSON field names are the
 * columns' (see docs/DEV-GUIDELINES.md), with the numbers in bytes.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List nodes: state (ready, cordoned, draining, sandbox, unreachable, lost), processes, memory, CPU load, lease age, "
                + "admin port.")
public final class NodesCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    JsonOption output;

    /** A sandbox's node id is {@code <host>.sandbox-<slice>} (dev.caravan.node.sandbox.SandboxRole); it is listed after its host. */
    private static final String SANDBOX = ".sandbox-";

    private static String state(NodeCalls.Answer a, NodeHistory history) {
        if (a.status() == null) {
            return "UNREACHABLE";
        }
        if (history.draining(a.node())) {
            return "DRAINING";
        }
        if (a.node().contains(SANDBOX)) {
            return "SANDBOX";
        }
        return a.status().schedulable() ? "READY" : "CORDONED";
    }

    private static String hostOf(String node) {
        int at = node.lastIndexOf(SANDBOX);
        return at < 0 ? node : node.substring(0, at);
    }

    /** Entry name → ms since its lease's last renewal, from naming's admin port; empty when it does not answer. */
    private Map<String, Long> leaseAges(String namingAdmin) {
        if (namingAdmin == null) {
            return Map.of();
        }
        try {
            return new AdminClient(cluster.token()).leaseAges(namingAdmin);
        } catch (RuntimeException e) {
            System.err.println(leaseAgesUnknown(String.valueOf(e.getMessage())));
            return Map.of();
        }
    }

    /**
     * The one line saying why lease ages are not shown: naming's admin port refuses a tenant (HTTP
     * 403, it serves a slice only its own /events) — said so, without the raw HTTP answer.
     */
    static String leaseAgesUnknown(String failure) {
        if (failure.contains("answered HTTP 403")) {
            return "caravan: lease ages not shown: naming's admin port serves them to cluster-wide identities only, and this"
                    + " one is confined to a slice";
        }
        return "caravan: lease ages unknown: " + failure;
    }

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<NodeCalls.Answer> answers = new ArrayList<>(NodeCalls.statusAll(client, cluster.token()));
            // Each host, then its sandboxes.
            answers.sort(java.util.Comparator.comparing((NodeCalls.Answer a) -> hostOf(a.node())).thenComparing(NodeCalls.Answer::node));
            boolean allAnswered = answers.stream().allMatch(a -> a.status() != null);
            Map<String, String> admins = AdminClient.daemons(client);
            NodeHistory history = NodeHistory.read(client, cluster.token());
            Map<String, Long> leaseAges = leaseAges(admins.get("naming"));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (NodeCalls.Answer a : answers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", a.node());
                m.put("control", a.control().getHostString() + ":" + a.control().getPort());
                m.put("state", state(a, history));
                if (a.status() == null) {
                    m.put("stateDetail", a.unreachable());
                } else {
                    NodeStatus s = a.status();
                    m.put("schedulable", s.schedulable());
                    m.put("processes", s.processCount());
                    m.put("freeBytes", s.freeBytes());
                    m.put("allocatedBytes", s.allocatedBytes());
                    m.put("processMemoryBytes", s.processMemoryBytes());
                    m.put("reservedBytes", s.reservedBytes());
                    m.put("cpuLoad", s.cpuLoadPermille() < 0 ? null : s.cpuLoad());
                    int at = a.node().lastIndexOf(SANDBOX);
                    m.put("stateDetail", at < 0 ? "" : "sandbox of " + a.node().substring(0, at) + " for slice "
                            + a.node().substring(at + SANDBOX.length()));
                }
                m.put("leaseAgeMs", leaseAges.get("node/" + a.node()));
                m.put("admin", admins.getOrDefault(a.node(), ""));
                rows.add(m);
            }
            for (NodeHistory.Lost l : history.lost(answers.stream().map(NodeCalls.Answer::node).toList())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", l.node());
                m.put("control", l.control());
                m.put("state", "LOST");
                m.put("lostAtMs", l.timeMs());
                m.put("stateDetail", "naming lost it at " + EventsCommand.TIME.format(Instant.ofEpochMilli(l.timeMs())) + ": "
                        + l.message());
                rows.add(m);
            }
            if (output.json) {
                Json.print(rows);
            } else {
                Table.of(Table.col("node"), Table.col("control"), Table.col("state").asState(), Table.col("processes"),
                        Table.col("freeBytes", Number.class, n -> Sizes.human(n.longValue())),
                        Table.col("allocatedBytes", Number.class, n -> Sizes.human(n.longValue())),
                        Table.col("processMemoryBytes", Number.class, n -> Sizes.human(n.longValue())),
                        Table.col("cpuLoad", Number.class, l -> String.format(Locale.ROOT, "%.0f%%", l.doubleValue() * 100)),
                        Table.col("leaseAgeMs", Number.class, ms -> String.format(Locale.ROOT, "%.1fs", ms.doubleValue() / 1000)),
                        Table.col("admin"), Table.col("stateDetail"))
                        .rows(rows).print(System.out, Style.forOutput(false));
            }
            return allAnswered ? 0 : 1;
        }
    }
}
