package dev.caravan.cli.commands.nodes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.options.MillisConverter;
import dev.caravan.client.CaravanClient;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.MigrationMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code caravan drain}: cordon a node and move every process off it by live migration. */
@Command(name = "drain", mixinStandardHelpOptions = true,
        description = {"Cordon a node and move every process off it while they serve, then report.",
                "Each process goes to the schedulable node with the most free process memory that fits it (then the",
                "lower CPU load), one or two at a time. The node stays cordoned (see 'caravan uncordon'); exit code 1",
                "when a process could not move.",
                "  caravan drain n1 --mode pre-copy --timeout 10m"})
public final class DrainCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "NODE", description = "node id")
    String node;

    @Option(names = "--mode", defaultValue = "pre-copy", description = "stop-and-copy | pre-copy | post-copy | hybrid (default: ${DEFAULT-VALUE})")
    String mode;

    @Option(names = "--timeout", defaultValue = "10m", description = "the whole drain's deadline, e.g. 90s, 10m (default: ${DEFAULT-VALUE})")
    String timeout;

    @Option(names = "--max-downtime", defaultValue = "50", paramLabel = "DURATION", converter = MillisConverter.class,
            description = "pre-copy's downtime budget per process: milliseconds, or a number with ms or s (50, 50ms, 0.5s; "
                    + "default: ${DEFAULT-VALUE} ms)")
    long maxDowntimeMs;

    @Option(names = "--parallel", defaultValue = "2", description = "processes moved at once, 1 or 2 (default: ${DEFAULT-VALUE})")
    int parallel;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() throws Exception {
        DrainRequest request = new DrainRequest(MigrationMode.parse(mode), maxDowntimeMs, durationMs(timeout), parallel);
        try (CaravanClient client = cluster.client()) {
            DrainReport r = NodeCalls.drain(NodeCalls.controlOf(client, node), cluster.token(), request,
                    step -> System.err.println("caravan: " + step.describe()));
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING).writeValueAsString(r));
            } else {
                System.out.println(summary(r));
            }
            return r.drained() ? 0 : 1;
        }
    }

    static String summary(DrainReport r) {
        long moved = r.processes().size() - r.stayed().size();
        StringBuilder b = new StringBuilder();
        if (r.drained()) {
            b.append("drained ").append(r.node()).append(": ").append(moved).append(" process(es) moved in ").append(r.totalMs())
                    .append(" ms; the node is empty and stays cordoned ('caravan uncordon ").append(r.node()).append("')");
        } else {
            b.append("drain of ").append(r.node()).append(" failed: ").append(r.detail()).append("; ").append(moved)
                    .append(" moved, ").append(r.stayed().size()).append(" stay (the node stays cordoned):");
            for (DrainStep s : r.stayed()) {
                b.append(System.lineSeparator()).append("  ").append(s.name()).append(": ").append(s.detail());
            }
        }
        return b.toString();
    }

    /** A duration such as 500ms, 90s, 10m, 1h. */
    static long durationMs(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--timeout: '" + s + "' is not a duration such as 90s, 10m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
        };
    }
}
