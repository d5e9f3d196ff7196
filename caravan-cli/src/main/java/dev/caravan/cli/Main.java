package dev.caravan.cli;

import dev.caravan.cli.commands.BenchCommand;
import dev.caravan.cli.commands.CallCommand;
import dev.caravan.cli.commands.DashboardCommand;
import dev.caravan.cli.commands.DemoCommand;
import dev.caravan.cli.commands.DnsCommand;
import dev.caravan.cli.commands.DeployCommand;
import dev.caravan.cli.commands.NamingCommand;
import dev.caravan.cli.commands.ZooKeeperCommand;
import dev.caravan.cli.commands.NodeCommand;
import dev.caravan.cli.commands.PsCommand;
import dev.caravan.cli.commands.StopCommand;
import dev.caravan.cli.commands.TestCommand;
import dev.caravan.cli.commands.UpCommand;
import dev.caravan.cli.commands.lab.LabCommand;
import dev.caravan.cli.commands.migration.CheckpointCommand;
import dev.caravan.cli.commands.migration.CloneCommand;
import dev.caravan.cli.commands.migration.MigrateCommand;
import dev.caravan.cli.commands.migration.RestoreCommand;
import dev.caravan.cli.commands.servers.SuperserverCommand;
import dev.caravan.cli.commands.switching.SwitchCommand;
import dev.caravan.launch.LogSetup;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * The {@code caravan} command. Exit codes: 0 success, 1 a Caravan error (the message says what
 * to do) or a partial answer, 2 bad usage, 130 interrupted. Every failure is one line on stderr
 * ({@link UsageErrors}, {@link CliFailures}); every command with subcommands has {@code help}.
 */
@Command(name = "caravan", mixinStandardHelpOptions = true, version = "caravan 0.1.0",
        description = "Server processes that move between machines while they run.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done",
                "1:a Caravan error (the message says what to do), or a partial answer (a node did not answer, a process"
                        + " did not move)",
                "2:bad usage (unknown command or option, missing or bad value)",
                "130:interrupted (Ctrl-C)"},
        footerHeading = "%n",
        footer = {"Run 'caravan help COMMAND' or 'caravan COMMAND --help' for a command's options; --json prints JSON"
                + " whose fields are the table's columns. NO_COLOR=1 turns colour off."})
public final class Main implements Runnable {
    /**
     * The subcommands, in the order {@code --help} lists them; registered by {@link LazySubcommands}
     * so that a command line builds the model of the command it runs only.
     */
    static final List<Class<?>> COMMANDS = List.of(NamingCommand.class, ZooKeeperCommand.class, NodeCommand.class, SwitchCommand.class,
            UpCommand.class, dev.caravan.cli.commands.security.TokensCommand.class, dev.caravan.cli.commands.security.SliceCommand.class,
            DeployCommand.class, PsCommand.class, CallCommand.class, dev.caravan.cli.commands.UseCommand.class,
            dev.caravan.cli.commands.EvalCommand.class, StopCommand.class, MigrateCommand.class, CloneCommand.class,
            CheckpointCommand.class, RestoreCommand.class, SuperserverCommand.class, LabCommand.class, DemoCommand.class,
            BenchCommand.class, TestCommand.class, DnsCommand.class, dev.caravan.cli.commands.nodes.DrainCommand.class,
            dev.caravan.cli.commands.nodes.UncordonCommand.class, dev.caravan.cli.commands.nodes.NodesCommand.class,
            DashboardCommand.class, dev.caravan.cli.commands.NewCommand.class, dev.caravan.cli.commands.KvCommand.class,
            dev.caravan.cli.commands.observe.EventsCommand.class, dev.caravan.cli.commands.observe.DescribeCommand.class,
            dev.caravan.cli.commands.observe.LogsCommand.class, dev.caravan.cli.commands.agent.AgentCommand.class, dev.caravan.cli.commands.certs.CertsCommand.class, dev.caravan.cli.commands.keys.KeysCommand.class, dev.caravan.cli.commands.keys.SignCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (used by tests in-process too). */
    public static int run(String... args) {
        LogSetup.configure();
        return configure(LazySubcommands.register(new CommandLine(new Main()), COMMANDS, args)).execute(args);
    }

    /**
     * The whole command tree, every command's full model (for completion scripts and tests), with
     * Caravan's error handlers and a {@code help} subcommand under every command that has subcommands.
     */
    public static CommandLine commandLine() {
        return configure(LazySubcommands.registerAll(new CommandLine(new Main()), COMMANDS));
    }

    private static CommandLine configure(CommandLine cl) {
        addHelp(cl);
        cl.setExecutionExceptionHandler(new CliFailures());
        cl.setParameterExceptionHandler(new UsageErrors());
        return cl;
    }

    private static void addHelp(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getSubcommands().isEmpty()) {
                addHelp(sub);
            }
        }
        if (!cl.getSubcommands().isEmpty() && !cl.getSubcommands().containsKey("help")) {
            cl.addSubcommand("help", new CommandLine.HelpCommand());
        }
    }
}
