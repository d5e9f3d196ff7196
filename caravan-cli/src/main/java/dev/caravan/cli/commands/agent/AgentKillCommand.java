package dev.caravan.cli.commands.agent;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code caravan agent kill ID}: stops the agent and its clones wherever they are; what they found is lost. */
@picocli.CommandLine.Command(name = "kill", mixinStandardHelpOptions = true,
        description = {"Stop an agent and its clones wherever they are (what they found is lost; recall keeps it).",
                "One in flight is stopped where it lands (--timeout)."})
public final class AgentKillCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "ID", description = "agent id (or agent-ID)")
    String agent;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS", description = "how long to keep trying (default: ${DEFAULT-VALUE} s)")
    int timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        String id = AgentCalls.id(agent);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try (CaravanClient client = cluster.client()) {
            if (AgentCalls.find(client, id).isEmpty()) {
                throw ErrorCode.NOT_FOUND.exception("no agent " + id + " is registered; see caravan agent list");
            }
            while (true) {
                List<AgentCalls.Sighting> left = AgentCalls.find(client, id);
                if (left.isEmpty()) {
                    return 0;
                }
                for (AgentCalls.Sighting s : left) {
                    try {
                        client.node(s.control()).stop(s.process());
                        System.out.println("killed " + s.process() + " on " + s.node());
                    } catch (CaravanException e) {
                        // Being moved (BUSY) or gone from there: stopped where it lands.
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw ErrorCode.TIMEOUT.exception("agent " + id + " still runs after " + timeoutSeconds + " s: "
                            + AgentCalls.find(client, id).stream().map(AgentCalls.Sighting::process).toList() + "; try again");
                }
                Thread.sleep(100); // polling period between two looks at the cluster, not synchronization
            }
        }
    }
}
