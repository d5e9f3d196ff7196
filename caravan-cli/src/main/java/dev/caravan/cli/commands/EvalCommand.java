package dev.caravan.cli.commands;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.ReplyFormat;
import dev.caravan.cli.options.MillisConverter;
import dev.caravan.client.CaravanClient;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.EvalResult;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code caravan eval}: remote evaluation. Ships a function (a class implementing
 * {@code dev.caravan.core.eval.RemoteFunction} in a jar) to the node that hosts a process, runs
 * it there beside the process's data within a time and memory budget, and prints its reply as
 * {@code caravan call} does, then a stats line.
 */
@picocli.CommandLine.Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Ship a function to the node hosting a process and run it beside the process's data (remote evaluation).",
                "The class implements dev.caravan.core.eval.RemoteFunction; it reads the process's keys and memory,"
                        + " never writes. Over its time or memory budget it is cut off from the data and interrupted (exit 1,"
                        + " BUDGET_EXCEEDED); a function that ignores interruption keeps a thread of the node busy until it returns.",
                "  caravan eval kv1 count.jar --class demo.CountMatching --arg 'm.tch' --time-budget 2s --memory-budget 64m"})
public final class EvalCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Parameters(index = "0", paramLabel = "PROCESS", description = "process name")
    String process;

    @Parameters(index = "1", paramLabel = "BUNDLE.jar", description = "the jar holding the function's class (pushed to the node)")
    Path jar;

    @Option(names = "--class", required = true, paramLabel = "CLASS", description = "the function's class (implements RemoteFunction)")
    String className;

    @Option(names = "--arg", paramLabel = "A", description = "an argument, as UTF-8 bytes; repeat for more")
    List<String> args = new ArrayList<>();

    @Option(names = "--time-budget", converter = MillisConverter.class, defaultValue = "2s", paramLabel = "DURATION",
            description = "wall time the function may run, 1 ms..10 m, e.g. 500ms, 2s, 1m (default: ${DEFAULT-VALUE})")
    long timeBudgetMs;

    @Option(names = "--memory-budget", defaultValue = "64m", paramLabel = "SIZE", converter = dev.caravan.cli.options.SizeConverter.class,
            description = "Java heap bytes the function may allocate in all (garbage included) before it is stopped, e.g. 512k, 64m"
                    + " (default: ${DEFAULT-VALUE})")
    long memoryBytes;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (timeBudgetMs < 1 || timeBudgetMs > EvalRequest.MAX_TIME_BUDGET_MS) {
            throw usage("--time-budget must be 1 ms.." + EvalRequest.MAX_TIME_BUDGET_MS / 1000 + " s, got " + timeBudgetMs + " ms");
        }
        if (memoryBytes < EvalRequest.MIN_MEMORY_BUDGET_BYTES || memoryBytes > EvalRequest.MAX_MEMORY_BUDGET_BYTES) {
            throw usage("--memory-budget must be " + Sizes.human(EvalRequest.MIN_MEMORY_BUDGET_BYTES) + ".."
                    + Sizes.human(EvalRequest.MAX_MEMORY_BUDGET_BYTES) + ", got " + Sizes.human(memoryBytes));
        }
        if (!Files.isRegularFile(jar)) {
            throw ErrorCode.NOT_FOUND.exception("no such file: " + jar);
        }
        List<byte[]> bytes = new ArrayList<>();
        for (String a : args) {
            bytes.add(a.getBytes(StandardCharsets.UTF_8));
        }
        // Checks budgets and sizes before connecting, so that a bad value is refused at once.
        new EvalRequest(process, "-", className, bytes, timeBudgetMs, memoryBytes);
        byte[] code = Files.readAllBytes(jar);
        try (CaravanClient client = cluster.client()) {
            // Pushed with its signature (JAR.sig) to the node hosting the process; a node it moves to pulls both.
            String hash = dev.caravan.cli.commands.keys.Signed.push(client.node(client.locate(process).control()), jar, code, null);
            EvalResult r = client.evaluateBundle(process, hash, className, bytes, Duration.ofMillis(timeBudgetMs), memoryBytes);
            String node = client.locate(process).node();
            double ms = r.elapsedNs() / 1e6;
            if (output.json) {
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("process", process);
                m.put("node", node);
                m.put("class", className);
                m.put("reply", ReplyFormat.toJson(r.reply()));
                m.put("elapsedMs", Math.round(ms * 1000) / 1000.0);
                m.put("allocatedBytes", r.allocatedBytes());
                dev.caravan.cli.out.Json.print(m);
            } else {
                System.out.println(ReplyFormat.format(r.reply()));
                System.out.println(String.format(Locale.ROOT, "(ran %.3f ms on node %s, allocated %s of %s)", ms, node,
                        Sizes.human(r.allocatedBytes()), Sizes.human(memoryBytes)));
            }
            return r.reply() instanceof Reply.Error ? 1 : 0;
        }
    }

    private picocli.CommandLine.ParameterException usage(String message) {
        return new picocli.CommandLine.ParameterException(spec.commandLine(), message);
    }
}
