package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.wire.node.StopReply;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code caravan stop}: stop a process wherever it runs. The node answers within its stop
 * deadline: either the process stopped, or it did not stop in time and was abandoned (it no
 * longer serves and its name is withdrawn, but its thread still runs; {@code ps} shows it
 * STUCK). Exit code 0 when it stopped, 1 when it was abandoned.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a process (its state is discarded).")
public final class StopCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "PROCESS", description = "process name")
    String process;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    /** Prints one outcome: a line, or with --json {@code {"name", "node", "stopped", "detail"}} per copy stopped. */
    private void report(String node, boolean stopped, String detail, String text) {
        if (output.json) {
            java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("name", process);
            m.put("node", node);
            m.put("stopped", stopped);
            m.put("detail", detail);
            dev.caravan.cli.out.Json.print(m);
        } else {
            System.out.println(text);
        }
    }

    @Override
    public Integer call() {
        try (CaravanClient client = cluster.client()) {
            if (client.resolve(process).isEmpty()) {
                return stopUnregistered(client);
            }
            Location at = client.locate(process);
            StopReply reply = client.node(at.control()).stop(process);
            if (reply.stopped()) {
                report(at.node(), true, "", "stopped " + process + " on " + at.node());
                return 0;
            }
            report(at.node(), false, reply.detail(), "abandoned " + process + " on " + at.node() + ": " + reply.detail());
            return 1;
        }
    }

    /**
     * A process that is not registered may still be held by a node: FAILED (withdrawn from naming
     * when it lost its post-copy pages) or STUCK. Every node is asked, and each copy stopped.
     */
    private int stopUnregistered(CaravanClient client) {
        int found = 0;
        int abandoned = 0;
        for (CaravanClient.NodeListing n : client.listAll(java.time.Duration.ofSeconds(2))) {
            if (n.processes().stream().anyMatch(p -> p.name().equals(process))) {
                found++;
                StopReply reply = client.node(n.control()).stop(process);
                if (reply.stopped()) {
                    report(n.node(), true, "it was not registered: failed or stuck",
                            "stopped " + process + " on " + n.node() + " (it was not registered: failed or stuck)");
                } else {
                    abandoned++;
                    report(n.node(), false, reply.detail(), "abandoned " + process + " on " + n.node() + ": " + reply.detail());
                }
            }
        }
        if (found == 0) {
            throw dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no process named " + process
                    + " is registered or held by any node; see caravan ps");
        }
        return abandoned == 0 ? 0 : 1;
    }
}
