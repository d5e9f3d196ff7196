package dev.caravan.cli.commands;

import dev.caravan.cli.out.Json;
import dev.caravan.cli.out.JsonOption;
import dev.caravan.cli.out.Style;
import dev.caravan.cli.out.Table;
import dev.caravan.kv.KvCommandsMarkdown;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.Map;

/** {@code caravan kv}: facts about the built-in Redis-compatible process. Needs no cluster. */
@Command(name = "kv", mixinStandardHelpOptions = true,
        description = {"The built-in Redis-compatible process (caravan deploy --sample kv).",
                "  caravan kv commands [--json|--markdown]   the commands it serves (docs/kv-commands.md is the --markdown output)"},
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
            description = {"The commands the kv process serves, from its command table: a table (COMMAND, GROUP, ARGUMENTS,"
                    + " READ ONLY, SUMMARY; subcommands as 'CONFIG GET'); --json: a JSON list of the same fields"
                    + " (command, group, arguments, readOnly, summary); --markdown: docs/kv-commands.md.",
                    "  " + KvCommandsMarkdown.REGENERATE})
    public static final class Commands implements Runnable {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--markdown", description = "print docs/kv-commands.md")
        boolean markdown;

        @picocli.CommandLine.Mixin
        JsonOption output;

        @Override
        public void run() {
            List<Map<String, Object>> rows = KvCommandsMarkdown.rows().stream().map(Json::fields).toList();
            if (markdown && output.json) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--json and --markdown exclude each other: give one");
            }
            if (markdown) {
                System.out.print(KvCommandsMarkdown.render());
            } else if (output.json) {
                Json.print(rows);
            } else {
                Table.of(Table.col("command"), Table.col("group"), Table.col("arguments"), Table.col("readOnly", Boolean.class,
                        b -> b ? "yes" : "no"), Table.col("summary")).rows(rows).print(System.out, Style.forOutput(false));
            }
        }
    }
}
