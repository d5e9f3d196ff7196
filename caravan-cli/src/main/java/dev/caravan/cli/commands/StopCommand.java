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

    @Override
    public Integer call() {
        try (CaravanClient client = cluster.client()) {
            Location at = client.locate(process);
            StopReply reply = client.node(at.control()).stop(process);
            if (reply.stopped()) {
                System.out.println("stopped " + process + " on " + at.node());
                return 0;
            }
            System.out.println("abandoned " + process + " on " + at.node() + ": " + reply.detail());
            return 1;
        }
    }
}
