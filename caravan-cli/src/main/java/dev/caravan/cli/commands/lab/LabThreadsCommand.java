package dev.caravan.cli.commands.lab;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.threads.ThreadsExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code caravan lab threads}: creation and context-switch costs, the shared-variable example. */
@Command(name = "threads", mixinStandardHelpOptions = true,
        description = "Creation cost and context-switch cost (direct and indirect) of processes, platform and virtual threads.")
public final class LabThreadsCommand implements Callable<Integer> {
    @Mixin
    LabOptions options;

    @Override
    public Integer call() {
        var settings = options.settings();
        var result = new ThreadsExperiment(settings, LabRunner.progress(System.err), Clock.system()).run();
        LabRunner.publish(result, settings.outDir(), System.out);
        return 0;
    }
}
