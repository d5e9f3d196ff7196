package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.ReplyFormat;
import dev.caravan.client.CaravanClient;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code caravan call}: one command to a process, through the client library. */
@picocli.CommandLine.Command(name = "call", mixinStandardHelpOptions = true,
        description = {"Send one command to a process by name and print the reply.", "  caravan call kv1 SET greeting hello"})
public final class CallCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Option(names = "--read-only", description = "the command only reads; may be retried after a timeout")
    boolean readOnly;

    @Parameters(index = "0", paramLabel = "PROCESS", description = "process name")
    String process;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "ARG", description = "command and arguments")
    List<String> args;

    @Override
    public Integer call() {
        try (CaravanClient client = cluster.client()) {
            Reply r = client.call(process, Command.of(args.toArray(String[]::new)), readOnly);
            if (output.json) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("process", process);
                m.put("reply", ReplyFormat.toJson(r));
                dev.caravan.cli.out.Json.print(m);
            } else {
                System.out.println(ReplyFormat.format(r));
            }
            return r instanceof Reply.Error ? 1 : 0;
        }
    }
}
