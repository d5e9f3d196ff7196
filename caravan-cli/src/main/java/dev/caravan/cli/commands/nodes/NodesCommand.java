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
 * {@code caravan nodes}: every registered node with its control endpoint, whether it is
 * schedulable, its processes, free process memory and CPU load. A node that does not answer is
 * listed as UNREACHABLE and the exit code is 1.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List nodes: control endpoint, schedulable (cordoned or not), processes, free process memory, CPU load.")
public final class NodesCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<NodeCalls.Answer> answers = NodeCalls.statusAll(client, cluster.token());
            boolean allAnswered = answers.stream().allMatch(a -> a.status() != null);
            if (json) {
                List<Map<String, Object>> rows = new ArrayList<>();
                for (NodeCalls.Answer a : answers) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("node", a.node());
                    m.put("control", a.control().getHostString() + ":" + a.control().getPort());
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
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
            } else {
                System.out.printf(Locale.ROOT, "%-12s %-22s %-11s %9s %10s %10s %6s%n", "NODE", "CONTROL", "SCHEDULABLE",
                        "PROCESSES", "FREE", "CAPACITY", "LOAD");
                for (NodeCalls.Answer a : answers) {
                    String control = a.control().getHostString() + ":" + a.control().getPort();
                    if (a.status() == null) {
                        System.out.printf(Locale.ROOT, "%-12s %-22s UNREACHABLE %s%n", a.node(), control, a.unreachable());
                        continue;
                    }
                    NodeStatus s = a.status();
                    System.out.printf(Locale.ROOT, "%-12s %-22s %-11s %9d %10s %10s %6s%n", a.node(), control,
                            s.schedulable() ? "yes" : "cordoned", s.processCount(), Sizes.human(s.freeBytes()),
                            Sizes.human(s.processMemoryBytes()),
                            s.cpuLoadPermille() < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", s.cpuLoad() * 100));
                }
            }
            return allAnswered ? 0 : 1;
        }
    }
}
