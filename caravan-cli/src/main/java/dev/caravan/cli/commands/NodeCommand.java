package dev.caravan.cli.commands;

import dev.caravan.launch.NodeMain;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code caravan node}: runs {@link NodeMain}. */
@Command(name = "node", description = NodeMain.SUMMARY, footer = "%nOptions: caravan node --help")
public final class NodeCommand extends DaemonCommand {
    @Override
    int run(List<String> args) throws Exception {
        return NodeMain.run(args);
    }
}
