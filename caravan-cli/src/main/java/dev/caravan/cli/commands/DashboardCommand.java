package dev.caravan.cli.commands;

import dev.caravan.launch.DashboardMain;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code caravan dashboard}: runs {@link DashboardMain}. */
@Command(name = "dashboard", description = DashboardMain.SUMMARY, footer = "%nOptions: caravan dashboard --help")
public final class DashboardCommand extends DaemonCommand {
    @Override
    int run(List<String> args) throws Exception {
        return DashboardMain.run(args);
    }
}
