package dev.caravan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Arrays;
import java.util.List;

/**
 * Registers the {@code caravan} subcommands so that one command line builds the picocli model of
 * the command it runs only. Building the model of every command (options, mixins, nested
 * subcommands, each read by reflection) took about two thirds of the CLI's start-up; a command
 * that is not run gets a stub instead: its name, aliases, header, description and hidden flag,
 * read from its {@link Command} annotation, which is all {@code caravan --help} lists and all
 * picocli needs to suggest a name for a mistyped one.
 *
 * <p>The command run is the first argument that does not start with {@code -}; for
 * {@code caravan help NAME} the command {@code NAME} is built too, so that its help is complete.
 * Every other argument list builds stubs only (the usage error or the top-level help needs no
 * more). Not thread-safe; call once per {@link CommandLine}, before setting its handlers.
 */
final class LazySubcommands {
    private LazySubcommands() {
    }

    /** Adds {@code commands} to {@code top} in order: full for those {@code args} run, stubs for the rest. */
    static CommandLine register(CommandLine top, List<Class<?>> commands, String... args) {
        List<String> run = commandsRun(args);
        for (Class<?> command : commands) {
            Command c = annotation(command);
            boolean runs = run.contains(c.name()) || Arrays.stream(c.aliases()).anyMatch(run::contains);
            top.addSubcommand(c.name(), runs ? new CommandLine(command, top.getFactory()) : stub(c), c.aliases());
        }
        return top;
    }

    /**
     * Adds every one of {@code commands} in full, as picocli's {@code subcommands} attribute did: for
     * what needs the whole tree (a completion script, a test comparing with the lazy one).
     */
    static CommandLine registerAll(CommandLine top, List<Class<?>> commands) {
        for (Class<?> command : commands) {
            Command c = annotation(command);
            top.addSubcommand(c.name(), new CommandLine(command, top.getFactory()), c.aliases());
        }
        return top;
    }

    private static Command annotation(Class<?> command) {
        Command c = command.getAnnotation(Command.class);
        if (c == null) {
            throw new IllegalArgumentException(command.getName() + " has no @Command annotation");
        }
        return c;
    }

    private static List<String> commandsRun(String... args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                return i + 1 < args.length ? List.of(args[i], args[i + 1]) : List.of(args[i]);
            }
        }
        return List.of();
    }

    private static CommandLine stub(Command c) {
        CommandSpec spec = CommandSpec.create().name(c.name()).aliases(c.aliases());
        spec.usageMessage().header(c.header()).description(c.description()).hidden(c.hidden());
        return new CommandLine(spec);
    }
}
