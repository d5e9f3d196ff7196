package dev.caravan.cli.commands.lab;

import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code caravan lab}: the chapter's experiments, measured. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "The concurrency lab (threads, tlp, sync, report).")
public final class LabCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw ErrorCode.NOT_SUPPORTED.exception("the lab is not built yet");
    }
}
