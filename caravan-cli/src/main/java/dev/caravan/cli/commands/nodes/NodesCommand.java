package dev.caravan.cli.commands.nodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.NodeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan nodes}: every registered node with its control endpoint, its STATE (ready,
 * cordoned, draining — a drain began and has not ended, per the node's events — or unreachable),
 * its processes, free process memory, memory allocated of its capacity, CPU load, LEASE AGE (time
 * since naming last saw its lease renewed, from naming's admin port {@code /leases}; a node renews
 * every quarter of {@code --lease-ms}, so an age near the lease means it is about to be dropped) and
 * admin port.
 * A node that naming saw leave (its {@code node-lost} event, from naming's admin port) and that has
 * not come back is listed as {@code lost} with the time, for as long as naming keeps the event. A
 * node that does not answer is listed as UNREACHABLE and the exit code is 1. JSON field names are
 * the columns' in lowerCamel, with the numbers in bytes.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List nodes: state (ready, cordoned, draining, unreachable, lost), processes, memory, CPU load, lease age,"
                + " admin port.")
public final class NodesCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    private static String state(NodeCalls.Answer a, NodeHistory history) {
        if (a.status() == null) {
            return "unreachable";
        }
        if (history.draining(a.node())) {
            return "draining";
        }
        return a.status().schedulable() ? "ready" : "cordoned";
    }

    /** Entry name → ms since its lease's last renewal, from naming's admin port; empty when it does not answer. */
    private Map<String, Long> leaseAges(String namingAdmin) {
        if (namingAdmin == null) {
            return Map.of();
        }
        try {
            return new dev.caravan.cli.commands.observe.AdminClient(cluster.token()).leaseAges(namingAdmin);
        } catch (RuntimeException e) {
            System.err.println("caravan: lease ages unknown: " + e.getMessage());
            return Map.of();
        }
    }

    /** {@code 0.4s}; {@code -} when unknown. */
    private static String seconds(Long ms) {
        return ms == null ? "-" : String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<NodeCalls.Answer> answers = NodeCalls.statusAll(client, cluster.token());
            boolean allAnswered = answers.stream().allMatch(a -> a.status() != null);
            Map<String, String> admins = dev.caravan.cli.commands.observe.AdminClient.daemons(client);
            NodeHistory history = NodeHistory.read(client, cluster.token());
            Map<String, Long> leaseAges = leaseAges(admins.get("naming"));
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (NodeCalls.Answer a : answers) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("node", a.node());
                    m.put("control", a.control().getHostString() + ":" + a.control().getPort());
                    m.put("state", state(a, history));
                    m.put("admin", admins.getOrDefault(a.node(), ""));
                    Long age = leaseAges.get("node/" + a.node());
                    if (age != null) {
                        m.put("leaseAgeMs", age);
                    }
                    if (a.status() == null) {
                        m.put("unreachable", a.unreachable());
                    } else {
                        NodeStatus s = a.status();
                        m.put("schedulable", s.schedulable());
                        m.put("processes", s.processCount());
                        m.put("processMemoryBytes", s.processMemoryBytes());
                        m.put("reservedBytes", s.reservedBytes());
                        m.put("freeBytes", s.freeBytes());
                        m.put("allocatedBytes", s.allocatedBytes());
                        m.put("cpuLoad", s.cpuLoad());
                    }
                    rows.add(m);
                }
                for (NodeHistory.Lost l : history.lost(answers.stream().map(NodeCalls.Answer::node).toList())) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("node", l.node());
                    m.put("control", l.control());
                    m.put("state", "lost");
                    m.put("lostAtMs", l.timeMs());
                    rows.add(m);
                }
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
            } else {
                String row = "%-12s %-22s %-11s %9s %10s %21s %6s %9s  %s%n";
                System.out.printf(Locale.ROOT, row, "NODE", "CONTROL", "STATE", "PROCESSES", "FREE", "MEMORY", "LOAD", "LEASE AGE",
                        "ADMIN");
                for (NodeCalls.Answer a : answers) {
                    String control = a.control().getHostString() + ":" + a.control().getPort();
                    if (a.status() == null) {
                        System.out.printf(Locale.ROOT, "%-12s %-22s UNREACHABLE %s%n", a.node(), control, a.unreachable());
                        continue;
                    }
                    NodeStatus s = a.status();
                    System.out.printf(Locale.ROOT, row, a.node(), control, state(a, history), s.processCount(),
                            Sizes.human(s.freeBytes()), Sizes.human(s.allocatedBytes()) + "/" + Sizes.human(s.processMemoryBytes()),
                            s.cpuLoadPermille() < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", s.cpuLoad() * 100),
                            seconds(leaseAges.get("node/" + a.node())), admins.getOrDefault(a.node(), "-"));
                }
                for (NodeHistory.Lost l : history.lost(answers.stream().map(NodeCalls.Answer::node).toList())) {
                    System.out.printf(Locale.ROOT, "%-12s %-22s %-11s %s%n", l.node(), l.control(), "lost",
                            "naming lost it at " + dev.caravan.cli.commands.observe.EventsCommand.TIME.format(
                                    java.time.Instant.ofEpochMilli(l.timeMs())) + ": " + l.message());
                }
            }
            return allAnswered ? 0 : 1;
        }
    }
}
