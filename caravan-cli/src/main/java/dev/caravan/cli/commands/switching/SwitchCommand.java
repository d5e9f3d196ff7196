package dev.caravan.cli.commands.switching;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code caravan switch}: run the cluster's front end, and control it while traffic flows. */
@Command(name = "switch", mixinStandardHelpOptions = true,
        description = {"The cluster's front end: run it (serve) and control it (frontends, backends, add, remove, weight, drain,"
                        + " enable, disable).",
                "  caravan switch serve --config switch.json",
                "  caravan switch add web --listen 127.0.0.1:8080 --protocol http --mode content --backends label:service=web",
                "  caravan switch backends web",
                "  caravan switch drain web-2"},
        subcommands = {SwitchServeCommand.class, SwitchFrontendsCommand.class, SwitchBackendsCommand.class,
                SwitchAddCommand.class, SwitchRemoveCommand.class,
                SwitchBackendCommands.Weight.class, SwitchBackendCommands.Drain.class, SwitchBackendCommands.Enable.class,
                SwitchBackendCommands.Disable.class})
public final class SwitchCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
