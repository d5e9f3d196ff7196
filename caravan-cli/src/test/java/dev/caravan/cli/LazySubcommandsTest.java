package dev.caravan.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LazySubcommandsTest {
    /** The model picocli built before: every subcommand in full. */
    private static CommandLine eager() {
        return LazySubcommands.registerAll(new CommandLine(new Main()), Main.COMMANDS);
    }

    @Test
    void shouldBuildTheWholeTreeWhenAskedForAll() {
        CommandLine all = eager();

        assertThat(all.getSubcommands()).hasSize(Main.COMMANDS.size());
        assertThat(all.getSubcommands().get("migrate").getCommandSpec().findOption("--to")).isNotNull();
        assertThat(all.getSubcommands().get("bench").getSubcommands()).containsKey("cli");
    }

    @Test
    void shouldListTheSameCommandsWithTheSameTextsAsTheFullModel() {
        CommandLine lazy = LazySubcommands.register(new CommandLine(new Main()), Main.COMMANDS, "--help");

        assertThat(lazy.getUsageMessage()).isEqualTo(eager().getUsageMessage()).contains("ps", "migrate", "bench");
    }

    @Test
    void shouldBuildOnlyTheCommandThatRuns() {
        CommandLine lazy = LazySubcommands.register(new CommandLine(new Main()), Main.COMMANDS, "ps", "--json");

        assertThat(lazy.getSubcommands().get("ps").getCommandSpec().findOption("--json")).isNotNull();
        assertThat(lazy.getSubcommands().get("migrate").getCommandSpec().options()).isEmpty();
        assertThat(lazy.getSubcommands().get("ps").getUsageMessage()).isEqualTo(eager().getSubcommands().get("ps").getUsageMessage());
    }

    @Test
    void shouldBuildTheCommandAHelpCommandExplains() {
        CommandLine lazy = LazySubcommands.register(new CommandLine(new Main()), Main.COMMANDS, "help", "bench");

        assertThat(lazy.getSubcommands().get("bench").getSubcommands()).containsKeys("kv", "switch", "cli");
        assertThat(lazy.getSubcommands().get("bench").getUsageMessage())
                .isEqualTo(eager().getSubcommands().get("bench").getUsageMessage());
    }

    @Test
    void shouldRunEveryCommandWithItsFullModel() {
        assertThat(Console.run("bench", "cli", "--runs", "0").errLines())
                .containsExactly("caravan: --runs must be 1..10000, got 0 [INVALID_ARGUMENT]");
        Console.Result help = Console.run("help", "ps");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).startsWith("Usage: caravan ps").contains("--node-timeout-ms");
    }

    @Test
    void shouldRefuseAnUnknownCommandAsBadUsage() {
        Console.Result r = Console.run("frobnicate");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(List.copyOf(LazySubcommands.register(new CommandLine(new Main()), Main.COMMANDS, "frobnicate")
                .getSubcommands().keySet())).containsAll(List.of("ps", "nodes", "drain"));
    }
}
