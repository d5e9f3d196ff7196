package dev.caravan.cli.commands.migration;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code caravan clone}: fork a running process onto another node. */
@Command(name = "clone", mixinStandardHelpOptions = true,
        description = "Fork a copy of a running process (same state at one instant) that then runs on its own.")
public final class CloneCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "PROCESS", description = "process name")
    String process;

    @Option(names = "--to", required = true, description = "node for the copy")
    String to;

    @Option(names = "--name", description = "the copy's name (default: PROCESS-clone)")
    String name;

    @Option(names = "--mode", defaultValue = "pre-copy", description = "stop-and-copy | pre-copy (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        String copy = name != null ? name : process + "-clone";
        MigrationRequest request = new MigrationRequest(process, to, MigrationMode.parse(mode), 50, 30, 2, true, copy, "");
        return MigrateCommand.run(cluster, request, json, System.out);
    }
}
