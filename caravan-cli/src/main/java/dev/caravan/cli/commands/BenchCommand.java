package dev.caravan.cli.commands;

import picocli.CommandLine.Command;

/** {@code caravan bench}: benchmarks that run their reference in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks, each against a reference in the same run.",
        subcommands = {BenchKvCommand.class, BenchFuzzCommand.class, dev.caravan.cli.commands.servers.BenchServersCommand.class,
                dev.caravan.cli.commands.migration.BenchMigrationCommand.class, BenchSwitchCommand.class, BenchCliCommand.class,
                BenchMobilityCommand.class})
public final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
