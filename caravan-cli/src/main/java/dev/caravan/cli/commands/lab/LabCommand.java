package dev.caravan.cli.commands.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code caravan lab}: the chapter's experiments, measured on real threads and processes. Each
 * subcommand prints tables, writes JSON and PNG plots into {@code --out}, and reports progress
 * on stderr.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "The chapter's labs: concurrency (threads, tlp, sync, report), code mobility (code) and balancing (balance).",
        subcommands = {LabThreadsCommand.class, LabTlpCommand.class, LabSyncCommand.class, LabReportCommand.class,
                LabCodeCommand.class, LabBalanceCommand.class})
public final class LabCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
