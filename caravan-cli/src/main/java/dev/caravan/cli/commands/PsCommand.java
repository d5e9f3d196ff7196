package dev.caravan.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.Sizes;
import dev.caravan.client.CaravanClient;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.ProcessInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan ps}: every process in the cluster, asked of each node. */
@Command(name = "ps", mixinStandardHelpOptions = true, description = "List processes: node, state, data endpoint, pages, dirty pages.")
public final class PsCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Option(names = "--json", description = "print JSON instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        try (CaravanClient client = cluster.client()) {
            List<ProcessInfo> all = new ArrayList<>();
            List<String> unreachable = new ArrayList<>();
            for (Map.Entry<String, InetSocketAddress> n : client.nodes().entrySet()) {
                try {
                    all.addAll(client.node(n.getValue()).list());
                } catch (CaravanException e) {
                    unreachable.add(n.getKey() + " (" + e.getMessage() + ")");
                }
            }
            all.sort((a, b) -> a.name().compareTo(b.name()));
            if (json) {
                ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
                System.out.println(m.writeValueAsString(Map.of("processes", all, "unreachableNodes", unreachable)));
                return 0;
            }
            System.out.printf(Locale.ROOT, "%-16s %-17s %-6s %-9s %5s %-21s %-21s %8s %8s %10s %10s%n", "NAME", "ID", "NODE",
                    "STATE", "EPOCH", "STABLE ENDPOINT", "DATA ENDPOINT", "PAGES", "DIRTY", "MEMORY", "SERVED");
            for (ProcessInfo p : all) {
                System.out.printf(Locale.ROOT, "%-16s %-17s %-6s %-9s %5d %-21s %-21s %8d %8d %10s %10d%n", p.name(), p.id(),
                        p.node(), p.state(), p.epoch(), p.front().isEmpty() ? "-" : p.front(), p.dataEndpoint(),
                        p.allocatedPages(), p.dirtyPages(), Sizes.human(p.memoryBytes()), p.commandsServed());
            }
            if (all.isEmpty()) {
                System.out.println("(no processes; start one with 'caravan deploy --sample kv --name kv1')");
            }
            for (String u : unreachable) {
                System.err.println("caravan: node unreachable: " + u);
            }
            return unreachable.isEmpty() ? 0 : 1;
        }
    }
}
