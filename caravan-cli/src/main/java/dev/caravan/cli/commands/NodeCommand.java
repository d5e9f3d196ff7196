package dev.caravan.cli.commands;

import dev.caravan.launch.NodeMain;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code caravan node}: runs {@link NodeMain} in a JVM of its own with the daemon settings ({@code --heap}, {@code --jvm-option}). */
@Command(name = "node", description = NodeMain.SUMMARY, footer = "%nOptions: caravan node --help")
public final class NodeCommand extends DaemonCommand {
    @Override
    int run(List<String> args) throws Exception {
        return NodeMain.runInDaemonJvm(args);
    }
}
