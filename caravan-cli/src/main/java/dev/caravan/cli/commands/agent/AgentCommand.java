package dev.caravan.cli.commands.agent;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code caravan agent}: mobile agents — code, state and itinerary — launched, followed, recalled and killed. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Mobile agents: a loop process that visits nodes in turn, works on local data and brings results home.",
                "  caravan agent launch search-agent.jar --class agents.SearchAgent --itinerary n1,n2,n3 --set match=kv",
                "  caravan agent list",
                "  caravan agent recall 7f3a9c1e      go home instead of the next move, results so far kept",
                "  caravan agent kill 7f3a9c1e        stop it (and its clones) wherever it is",
                "  caravan agent results 7f3a9c1e"},
        subcommands = {AgentLaunchCommand.class, AgentListCommand.class, AgentRecallCommand.class, AgentKillCommand.class,
                AgentResultsCommand.class})
public final class AgentCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
