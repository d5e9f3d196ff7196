package dev.caravan.cli.commands.agent;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.JsonOption;
import dev.caravan.cli.out.Style;
import dev.caravan.cli.out.Table;
import dev.caravan.client.CaravanClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan agent list}: every agent and clone registered now, where it is and how far it got. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = {"List the agents and their clones: where each one is now, how far it got, what it does.",
                "Columns: id, process, node, hop i/n, state (travelling, working, returning, home, done, failed; moving while",
                "in flight) and detail."})
public final class AgentListCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    JsonOption output;

    @Override
    public Integer call() {
        try (CaravanClient client = cluster.client()) {
            List<Map<String, Object>> rows = AgentCalls.find(client, null).stream().map(AgentCalls.Sighting::row).toList();
            if (output.json) {
                Json.print(rows);
            } else if (rows.isEmpty()) {
                System.out.println("no agents");
            } else {
                Table.of(Table.col("id"), Table.col("process"), Table.col("node"), Table.col("hop"), Table.col("state").asState(),
                        Table.col("detail")).rows(rows).print(System.out, Style.forOutput(false));
            }
            return 0;
        }
    }
}
