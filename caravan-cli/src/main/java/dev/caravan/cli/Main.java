package dev.caravan.cli;

import dev.caravan.cli.commands.BenchCommand;
import dev.caravan.cli.commands.CallCommand;
import dev.caravan.cli.commands.DemoCommand;
import dev.caravan.cli.commands.DnsCommand;
import dev.caravan.cli.commands.DeployCommand;
import dev.caravan.cli.commands.NamingCommand;
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
import dev.caravan.launch.DaemonOptions;
import dev.caravan.launch.LogSetup;
import dev.caravan.wire.CaravanException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * The {@code caravan} command. Exit codes: 0 success, 1 a Caravan error (the message says what
 * to do), 2 bad usage, 130 interrupted.
 */
@Command(name = "caravan", mixinStandardHelpOptions = true, version = "caravan 0.1.0",
        description = "Server processes that move between machines while they run.")
public final class Main implements Runnable {
    /**
     * The subcommands, in the order {@code --help} lists them; registered by {@link LazySubcommands}
     * so that a command line builds the model of the command it runs only.
     */
    static final List<Class<?>> COMMANDS = List.of(NamingCommand.class, NodeCommand.class, SwitchCommand.class, UpCommand.class,
            DeployCommand.class, PsCommand.class, CallCommand.class, StopCommand.class, MigrateCommand.class, CloneCommand.class,
            CheckpointCommand.class, RestoreCommand.class, SuperserverCommand.class, LabCommand.class, DemoCommand.class,
            BenchCommand.class, TestCommand.class, DnsCommand.class, dev.caravan.cli.commands.nodes.DrainCommand.class,
            dev.caravan.cli.commands.nodes.UncordonCommand.class, dev.caravan.cli.commands.nodes.NodesCommand.class,
            CommandLine.HelpCommand.class);

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
        CommandLine cl = LazySubcommands.register(new CommandLine(new Main()), COMMANDS, args);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            Throwable t = e;
            if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
                t = t.getCause();
            }
            if (t instanceof CaravanException ce) {
                cmd.getErr().println("caravan: " + ce.getMessage() + " [" + ce.code() + "]");
                return 1;
            }
            if (t instanceof InterruptedException) {
                return 130;
            }
            if (t instanceof DaemonOptions.UsageException u) {
                // 'caravan naming' and 'caravan node' parse their own options: bad usage all the same.
                cmd.getErr().println("caravan: " + u.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
                return 2;
            }
            cmd.getErr().println("caravan: unexpected failure: " + t);
            t.printStackTrace(cmd.getErr());
            return 1;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("caravan: " + ex.getMessage() + " (see '"
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        return cl.execute(args);
    }
}
