package dev.caravan.cli.commands;

import dev.caravan.mobility.bench.MobilityOverheadMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code caravan bench mobility}: what JavaFlow enhancement costs a strong-mobility request loop
 * (JMH, caravan-mobility-bench). JMH's progress on stderr, the table on stdout, JSON to {@code --json}.
 */
@Command(name = "mobility", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Cost of strong mobility's enhancement, measured with JMH: one iteration of a request loop "
                + "(three frames, one receive) as plain bytecode, enhanced by Caravan's loader but never suspending, "
                + "and enhanced and suspended then resumed at every receive. Prints ns per iteration with the 99.9%% "
                + "error and the ratio to plain code. About 30 s (one forked JVM, 3 warm-up and 5 measured 1 s iterations).",
                "",
                "Run it on an idle machine: other load widens the error."})
public final class BenchMobilityCommand implements Callable<Integer> {
    @Option(names = "--json", paramLabel = "FILE", defaultValue = "bench-results/mobility-overhead.json",
            description = "JSON output (default: ${DEFAULT-VALUE})")
    Path json;

    @Option(names = "--quick", description = "a smoke run in this JVM (about 3 s); its figures are not to be quoted")
    boolean quick;

    @Override
    public Integer call() throws Exception {
        MobilityOverheadMain.run(quick, json, System.out, System.err);
        return 0;
    }
}
