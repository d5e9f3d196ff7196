package dev.caravan.cli.commands.nodes;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.out.Table;
import dev.caravan.client.CaravanClient;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.NodeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code caravan nodes}: every registered node with its control endpoint, whether it is
 * schedulable (STATE READY) or cordoned (CORDONED), its processes, free process memory and CPU load. A node that does not answer is
 * listed as UNREACHABLE and the exit code is 1.
 */
@Command(name = "nodes", mixinStandardHelpOptions = true,
        description = "List nodes: control endpoint, schedulable (cordoned or not), processes, free process memory, CPU load.")
public final class NodesCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<NodeCalls.Answer> answers = NodeCalls.statusAll(client, cluster.token());
            boolean allAnswered = answers.stream().allMatch(a -> a.status() != null);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (NodeCalls.Answer a : answers) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", a.node());
                m.put("control", a.control().getHostString() + ":" + a.control().getPort());
                if (a.status() == null) {
                    m.put("state", "UNREACHABLE");
                    m.put("stateDetail", a.unreachable());
                } else {
                    NodeStatus s = a.status();
                    m.put("state", s.schedulable() ? "READY" : "CORDONED");
                    m.put("schedulable", s.schedulable());
                    m.put("processes", s.processCount());
                    m.put("freeBytes", s.freeBytes());
                    m.put("processMemoryBytes", s.processMemoryBytes());
                    m.put("reservedBytes", s.reservedBytes());
                    m.put("allocatedBytes", s.allocatedBytes());
                    m.put("cpuLoad", s.cpuLoadPermille() < 0 ? null : s.cpuLoad());
                    m.put("stateDetail", "");
                }
                rows.add(m);
            }
            if (output.json) {
                dev.caravan.cli.out.Json.print(rows);
            } else {
                Table.of(Table.col("node"), Table.col("control"), Table.col("state").asState(), Table.col("processes"),
                        Table.col("freeBytes", Number.class, n -> Sizes.human(n.longValue())),
                        Table.col("processMemoryBytes", Number.class, n -> Sizes.human(n.longValue())),
                        Table.col("cpuLoad", Number.class, l -> String.format(Locale.ROOT, "%.0f%%", l.doubleValue() * 100)),
                        Table.col("stateDetail"))
                        .rows(rows).print(System.out, dev.caravan.cli.out.Style.forOutput(false));
            }
            return allAnswered ? 0 : 1;
        }
    }
}
