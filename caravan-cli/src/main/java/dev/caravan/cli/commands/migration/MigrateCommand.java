package dev.caravan.cli.commands.migration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.caravan.cli.ClusterOptions;
import dev.caravan.cli.options.MillisConverter;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.client.NodeControl;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.PreCopyStop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code caravan migrate}: move a running process to another node. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Move a running process to another node while it serves its clients.",
                "  caravan migrate kv1 --to n2 --mode pre-copy --max-downtime 50"})
public final class MigrateCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "PROCESS", description = "process name")
    String process;

    @Option(names = "--to", description = "destination node (required unless --cancel)")
    String to;

    @Option(names = "--cancel", description = "cancel the migration or clone of PROCESS that is running, if it has not committed")
    boolean cancel;

    @Option(names = "--mode", defaultValue = "pre-copy", converter = dev.caravan.cli.options.MigrationModeConverter.class, description = "stop-and-copy | pre-copy | post-copy | hybrid (default: ${DEFAULT-VALUE})")
    MigrationMode mode;

    @Option(names = "--max-downtime", defaultValue = "50", paramLabel = "DURATION", converter = MillisConverter.class,
            description = "pre-copy's downtime budget: milliseconds, or a number with ms or s (50, 50ms, 0.5s; default: ${DEFAULT-VALUE} ms)")
    long maxDowntimeMs;

    @Option(names = "--max-rounds", defaultValue = "30", description = "pre-copy rounds at most (default: ${DEFAULT-VALUE})")
    int maxRounds;

    @Option(names = "--hybrid-rounds", defaultValue = "2", description = "pre-copy rounds before hybrid turns post-copy (default: ${DEFAULT-VALUE})")
    int hybridRounds;

    @Option(names = "--upgrade-to", paramLabel = "HASH|JAR", converter = dev.caravan.cli.options.BundleRefConverter.class, description = "run another build of the process's bundle at the destination: a bundle hash (64 hex digits), or a jar"
            + " pushed to the destination first. Its code must read the state version the process writes"
            + " (CaravanProcess.readsStateVersion); if not, the destination refuses before anything moves and the process keeps"
            + " running here.")
    String upgradeTo;

    @Option(names = "--json", description = "print the report as JSON (no progress bar)")
    boolean json;

    @Option(names = "--fault", hidden = true, description = "fault injection for tests: role:action:phase")
    String fault = "";

    @Override
    public Integer call() throws Exception {
        if (cancel) {
            try (CaravanClient client = cluster.client()) {
                NodeControl.cancelMigration(client.locate(process).control(), cluster.token(), process, Duration.ofSeconds(30));
                System.err.println("caravan: asked node to cancel the migration of " + process
                        + "; its migrate command reports the outcome");
                return 0;
            }
        }
        if (to == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "Missing required option: '--to=<to>'");
        }
        MigrationMode m = mode;
        if (m != MigrationMode.PRE_COPY && spec.commandLine().getParseResult().hasMatchedOption("--max-downtime")) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-downtime is pre-copy's budget; "
                    + m.label() + " does not aim at a downtime (use --mode pre-copy, or drop --max-downtime)");
        }
        String upgradeHash = upgradeTo == null ? "" : UpgradeBundle.hash(cluster, "--upgrade-to", upgradeTo, to, json);
        MigrationRequest request = new MigrationRequest(process, to, m, maxDowntimeMs, maxRounds,
                hybridRounds, false, "", fault, upgradeHash);
        return run(cluster, request, json, System.out);
    }

    static int run(ClusterOptions cluster, MigrationRequest request, boolean json, PrintStream out) throws Exception {
        try (CaravanClient client = cluster.client()) {
            Location at = client.locate(request.name());
            ProgressBar bar = new ProgressBar(System.err, request.mode());
            // Ctrl-C while the move runs cancels it (before its commit) instead of leaving it running unseen.
            java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
            Thread cancelOnInterrupt = new Thread(() -> {
                if (!finished.get()) {
                    try {
                        NodeControl.cancelMigration(at.control(), cluster.token(), request.name(), Duration.ofSeconds(5));
                        System.err.println("\ncaravan: cancelled the migration of " + request.name()
                                + " (the source keeps it unless it had committed)");
                    } catch (RuntimeException e) {
                        System.err.println("\ncaravan: could not cancel the migration of " + request.name() + ": "
                                + e.getMessage());
                    }
                }
            }, "cancel-migration");
            Runtime.getRuntime().addShutdownHook(cancelOnInterrupt);
            MigrationReport r;
            try {
                r = NodeControl.migrate(at.control(), cluster.token(), request, json ? p -> { } : bar, Duration.ofMinutes(30));
            } finally {
                finished.set(true);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(cancelOnInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // Already shutting down: the hook sees "finished" and does nothing.
            }
            bar.finish();
            if (json) {
                out.println(json(r));
            } else {
                out.println(summary(r));
            }
            return r.outcome().succeeded() ? 0 : 1;
        }
    }

    /** The report as JSON, with {@code downtimeBudgetMissed} (pre-copy's downtime over {@code --max-downtime}). */
    static String json(MigrationReport r) throws com.fasterxml.jackson.core.JsonProcessingException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);
        com.fasterxml.jackson.databind.node.ObjectNode tree = mapper.valueToTree(r);
        tree.put("downtimeBudgetMissed", r.overBudget());
        tree.put("throughputBytesPerSec", r.throughputBytesPerSec());
        return mapper.writeValueAsString(tree);
    }

    static String summary(MigrationReport r) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%s: %s %s -> %s (%s), epoch %d%n", r.outcome(), r.name(), r.fromNode(), r.toNode(),
                r.mode(), r.epoch()));
        b.append(String.format(Locale.ROOT, "  total %d ms, downtime %.3f ms, rounds %d%n", r.totalMs(), r.downtimeMicros() / 1000.0,
                r.rounds()));
        b.append(String.format(Locale.ROOT, "  sent %s for %s of state (x%.3f), %.1f MB/s (sent ÷ total time)%n",
                Sizes.human(r.bytesSent()), Sizes.human(r.stateBytes()), r.bytesRatio(), r.throughputBytesPerSec() / 1e6));
        b.append(String.format(Locale.ROOT, "  pages fetched on demand %d, pushed after resume %d, queued commands forwarded %d",
                r.pagesFetchedOnDemand(), r.pagesPushedAfterResume(), r.forwardedCommands()));
        MigrationReport.SwitchOverTimes so = r.switchOver();
        String parts = String.format(Locale.ROOT, "freeze %.1f, last pages %.1f, resources %.1f, state %.1f, commit %.1f ms",
                so.freezeMicros() / 1e3, so.lastPagesMicros() / 1e3, so.resourcesMicros() / 1e3, so.stateMicros() / 1e3,
                so.commitMicros() / 1e3);
        boolean switchedOver = !so.equals(MigrationReport.SwitchOverTimes.NONE);
        if (r.overBudget()) {
            // Pre-copy freezes once its rounds stop, whatever is left: it never waits, retries or gives up for the budget.
            b.append(String.format(Locale.ROOT, "%n  downtime %.1f ms — over the %d ms budget: %s; the switch-over took %.1f ms%s",
                    r.downtimeMicros() / 1000.0, r.maxDowntimeMs(), whyTheRoundsStopped(r.stopReason())
                            + (r.stopReason() == PreCopyStop.WITHIN_BUDGET ? "" : " and the process was frozen anyway"),
                    switchOverMicros(so) / 1000.0, switchedOver ? " (" + parts + ")" : ""));
        } else {
            if (r.stopReason() != PreCopyStop.NONE) {
                b.append(String.format(Locale.ROOT, "%n  %s", whyTheRoundsStopped(r.stopReason())));
            }
            if (switchedOver) {
                b.append(String.format(Locale.ROOT, "%n  the switch-over took %.1f ms (%s)", switchOverMicros(so) / 1000.0, parts));
            }
        }
        if (r.destination().allocationMs() > 0) {
            b.append(String.format(Locale.ROOT, "%n  destination spent %d ms allocating memory (summed over its threads)%s",
                    r.destination().allocationMs(),
                    r.destination().freshBytes() > 0 ? "; " + Sizes.human(r.destination().freshBytes())
                            + " had to be faulted in fresh (start nodes with --prefault-reserve to keep memory warm)" : ""));
        }
        if (r.faults().faults() > 0) {
            b.append(String.format(Locale.ROOT, "%n  post-copy page faults %d (%.1f pages each, p50 %.2f ms, p99 %.2f ms,"
                    + " max %.2f ms)", r.faults().faults(), r.faults().pagesPerFault(), r.faults().p50Micros() / 1000.0,
                    r.faults().p99Micros() / 1000.0, r.faults().maxMicros() / 1000.0));
        }
        String rest = restOfDetail(r);
        if (!rest.isEmpty()) {
            b.append(String.format("%n  %s", rest));
        }
        return b.toString();
    }

    /**
     * Why pre-copy's rounds stopped, truthfully: {@link PreCopyStop#WITHIN_BUDGET} is the source's
     * estimate (what was left, at the bandwidth it measured), not a promise about the downtime.
     */
    static String whyTheRoundsStopped(PreCopyStop stop) {
        return switch (stop) {
            case WITHIN_BUDGET -> "the rounds stopped when what was left was estimated to fit the downtime budget";
            case NONE -> "there were no pre-copy rounds";
            default -> "the rounds stopped because " + stop.reason();
        };
    }

    private static long switchOverMicros(MigrationReport.SwitchOverTimes so) {
        return so.freezeMicros() + so.lastPagesMicros() + so.resourcesMicros() + so.stateMicros() + so.commitMicros();
    }

    /** The report's detail without the stop reason and switch-over times the source also puts there (said above). */
    private static String restOfDetail(MigrationReport r) {
        String stopNote = "pre-copy stopped: " + r.stopReason().reason();
        String times = r.switchOver().toString();
        return String.join("; ", java.util.Arrays.stream(r.detail().split("; "))
                .filter(x -> !x.isEmpty() && !x.equals(stopNote) && !x.equals(times)).toList());
    }
}
