package dev.caravan.cli.commands;

import dev.caravan.launch.NamingMain;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code caravan naming}: runs {@link NamingMain}. */
@Command(name = "naming", description = NamingMain.SUMMARY, footer = "%nOptions: caravan naming --help")
public final class NamingCommand extends DaemonCommand {
    @Override
    int run(List<String> args) throws Exception {
        return NamingMain.run(args);
    }
}
