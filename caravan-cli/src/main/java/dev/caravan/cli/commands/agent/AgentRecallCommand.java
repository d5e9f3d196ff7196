package dev.caravan.cli.commands.agent;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.core.mobility.AgentStatus;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code caravan agent recall ID}: asks the agent and its clones to go home instead of their next move.
 * The recall is told to the node each one is on; one in flight is told again where it lands.
 */
@picocli.CommandLine.Command(name = "recall", mixinStandardHelpOptions = true,
        description = {"Ask an agent (and its clones) to go home instead of its next move; what it found so far is kept.",
                "Waits until each one is on its way home or home (--timeout), asking again where it lands if it was moving"
                        + " (it then does that stop's work before it turns home)."})
public final class AgentRecallCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "ID", description = "agent id (or agent-ID)")
    String agent;

    @Option(names = "--timeout", defaultValue = "30s", paramLabel = "DURATION", converter = dev.caravan.cli.options.MillisConverter.class,
            description = "how long to wait for it to turn home, e.g. 30s, 2m (default: ${DEFAULT-VALUE})")
    long timeoutMs;

    @Override
    public Integer call() throws InterruptedException {
        String id = AgentCalls.id(agent);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        try (CaravanClient client = cluster.client()) {
            List<AgentCalls.Sighting> seen = AgentCalls.find(client, id);
            if (seen.isEmpty()) {
                throw ErrorCode.NOT_FOUND.exception("no agent " + id + " is registered; see caravan agent list");
            }
            while (true) {
                boolean allTurned = true;
                for (AgentCalls.Sighting s : AgentCalls.find(client, id)) {
                    if (turnedHome(s)) {
                        continue;
                    }
                    allTurned = false;
                    try {
                        AgentCalls.recall(s.control(), cluster.token(), s.process());
                    } catch (CaravanException e) {
                        // In flight: asked again where it lands.
                    }
                }
                if (allTurned) {
                    for (AgentCalls.Sighting s : AgentCalls.find(client, id)) {
                        System.out.println(s.process() + ": " + s.state() + (s.hop().isEmpty() ? "" : " hop " + s.hop()) + " on " + s.node());
                    }
                    return 0;
                }
                if (System.nanoTime() > deadline) {
                    throw ErrorCode.TIMEOUT.exception("agent " + id + " did not turn home within " + timeoutMs / 1000.0
                            + " s (it may be busy on a node); see caravan agent list");
                }
                Thread.sleep(200); // polling period between two looks at the cluster, not synchronization
            }
        }
    }

    private static boolean turnedHome(AgentCalls.Sighting s) {
        return s.status().map(st -> st.state() == AgentStatus.State.RETURNING || st.state() == AgentStatus.State.HOME
                || st.state() == AgentStatus.State.DONE || st.state() == AgentStatus.State.FAILED
                || st.detail().startsWith("recalled")).orElse(false);
    }
}
