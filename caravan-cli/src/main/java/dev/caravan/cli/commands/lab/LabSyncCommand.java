package dev.caravan.cli.commands.lab;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.sync.SyncExperiment;
import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code caravan lab sync [PROBLEM]}: the classical synchronization problems, implemented and measured. */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Race, Peterson, TAS/CAS, semaphores, bounded buffer, readers-writers, dining philosophers, priority inversion.")
public final class LabSyncCommand implements Callable<Integer> {
    @Mixin
    LabOptions options;

    @Parameters(index = "0", arity = "0..1", defaultValue = "all",
            description = "critical-section, semaphore, bounded-buffer, readers-writers, dining, priority-inversion or all (default).")
    String problem;

    @Override
    public Integer call() {
        var settings = options.settings();
        var experiment = new SyncExperiment(settings, LabRunner.progress(System.err), Clock.system());
        if (!problem.equals("all") && !experiment.problemIds().contains(problem)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("unknown problem '" + problem + "'; one of " + experiment.problemIds() + " or all");
        }
        LabRunner.publish(experiment.run(problem, Clock.system().nowMs()), settings.outDir(), System.out);
        return 0;
    }
}
