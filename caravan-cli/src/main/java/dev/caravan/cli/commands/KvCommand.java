package dev.caravan.cli.commands;

import dev.caravan.kv.KvCommandsMarkdown;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code caravan kv}: facts about the built-in Redis-compatible process. Needs no cluster. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"The built-in Redis-compatible process (caravan deploy --sample kv).",
                "  caravan kv commands [--markdown]   the commands it serves (docs/kv-commands.md is the --markdown output)"},
        subcommands = KvCommand.Commands.class)
public final class KvCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to show: 'caravan kv commands'");
    }

    /** {@code caravan kv commands}. */
    @Command(name = "commands", mixinStandardHelpOptions = true,
            description = {"The commands the kv process serves, from its command table: one name a line, subcommands as"
                    + " 'CONFIG GET'; with --markdown, the table of docs/kv-commands.md (group, arguments, read-only,"
                    + " summary).", "  " + KvCommandsMarkdown.REGENERATE})
    public static final class Commands implements Runnable {
        @Option(names = "--markdown", description = "print docs/kv-commands.md")
        boolean markdown;

        @Override
        public void run() {
            if (markdown) {
                System.out.print(KvCommandsMarkdown.render());
            } else {
                KvCommandsMarkdown.names().forEach(System.out::println);
            }
        }
    }
}
