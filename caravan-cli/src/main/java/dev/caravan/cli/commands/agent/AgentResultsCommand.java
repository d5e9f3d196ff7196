package dev.caravan.cli.commands.agent;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.JsonOption;
import dev.caravan.client.CaravanClient;
import dev.caravan.core.mobility.AgentProtocol;
import dev.caravan.core.mobility.AgentStatus;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code caravan agent results ID}: what an agent brought home. */
@picocli.CommandLine.Command(name = "results", mixinStandardHelpOptions = true,
        description = {"Print what an agent brought home, one line per finding.",
                "It answers once it is home (state done); before that this says where it is (wait, or 'caravan agent recall'",
                "it)."})
public final class AgentResultsCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    JsonOption output;

    @Parameters(paramLabel = "ID", description = "agent id (or agent-ID)")
    String agent;

    @Override
    public Integer call() {
        String id = AgentCalls.id(agent);
        try (CaravanClient client = cluster.client()) {
            String results = fetch(client, id);
            if (output.json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", id);
                m.put("results", results.lines().toList());
                Json.print(m);
            } else {
                System.out.print(results);
            }
            return 0;
        }
    }

    /**
     * The results of agent {@code id}, asked of it at home.
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND (no such agent), UNAVAILABLE (not home yet, with where it is)
     */
    static String fetch(CaravanClient client, String id) {
        String process = AgentProtocol.processName(id);
        AgentCalls.Sighting s = AgentCalls.sight(client, process).orElseThrow(() ->
                ErrorCode.NOT_FOUND.exception("no agent " + id + " is registered; see caravan agent list"));
        if (!s.status().map(st -> st.state() == AgentStatus.State.DONE).orElse(false)) {
            throw ErrorCode.UNAVAILABLE.exception("agent " + id + " is " + s.state() + (s.hop().isEmpty() ? "" : " (hop " + s.hop() + ")")
                    + " on " + s.node() + "; its results come when it is home and done: wait, or 'caravan agent recall " + id + "'");
        }
        Reply r = client.call(process, Command.of(AgentProtocol.RESULTS), true);
        if (r instanceof Reply.Bulk b) {
            return new String(b.value(), StandardCharsets.UTF_8);
        }
        throw ErrorCode.UNAVAILABLE.exception("agent " + id + " answered " + r + " instead of its results");
    }
}
