package dev.caravan.cli.commands.lab;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.tlp.TlpExperiment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

/** {@code caravan lab tlp}: thread-level parallelism of a multithreaded client of slow servers. */
@Command(name = "tlp", mixinStandardHelpOptions = true,
        description = "TLP of a multithreaded client fetching resources from slow loopback servers, against one thread.")
public final class LabTlpCommand implements Callable<Integer> {
    @Mixin
    LabOptions options;

    @Override
    public Integer call() {
        var settings = options.settings();
        var result = new TlpExperiment(settings, LabRunner.progress(System.err), Clock.system()).run();
        LabRunner.publish(result, settings.outDir(), System.out);
        return 0;
    }
}
