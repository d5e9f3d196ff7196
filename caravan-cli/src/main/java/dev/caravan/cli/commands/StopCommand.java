package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code caravan stop}: stop a process wherever it runs. */
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
            client.node(at.control()).stop(process);
            System.out.println("stopped " + process + " on " + at.node());
            return 0;
        }
    }
}
