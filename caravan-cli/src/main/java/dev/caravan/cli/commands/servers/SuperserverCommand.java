package dev.caravan.cli.commands.servers;

import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code caravan superserver}: starts configured services on their first connection. */
@Command(name = "superserver", mixinStandardHelpOptions = true, description = "Listen for many services; start each on demand.")
public final class SuperserverCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw ErrorCode.NOT_SUPPORTED.exception("the superserver is not built yet");
    }
}
