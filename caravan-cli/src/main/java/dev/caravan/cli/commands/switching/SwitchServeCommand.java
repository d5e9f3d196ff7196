package dev.caravan.cli.commands.switching;

import dev.caravan.launch.SwitchMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code caravan switch serve}: runs {@link SwitchMain} in the foreground in a JVM of its own (like {@code caravan node}). */
@Command(name = "serve", description = SwitchMain.SUMMARY, footer = "%nOptions: caravan switch serve --help")
public final class SwitchServeCommand implements Callable<Integer> {
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return SwitchMain.runInDaemonJvm(args);
    }
}
