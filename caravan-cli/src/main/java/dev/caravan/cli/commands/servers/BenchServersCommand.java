package dev.caravan.cli.commands.servers;

import dev.caravan.wire.ErrorCode;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code caravan bench servers}: every server model against Netty. */
@Command(name = "servers", mixinStandardHelpOptions = true, description = "Every server model under the same load, against Netty.")
public final class BenchServersCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw ErrorCode.NOT_SUPPORTED.exception("the servers benchmark is not built yet");
    }
}
