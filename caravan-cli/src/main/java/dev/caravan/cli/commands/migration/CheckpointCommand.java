package dev.caravan.cli.commands.migration;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.client.Location;
import dev.caravan.launch.Sizes;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code caravan checkpoint}: a consistent checkpoint of a running process, taken without a long pause. */
@Command(name = "checkpoint", mixinStandardHelpOptions = true,
        description = {"Write a consistent checkpoint of a running process (pre-copy style: only a short freeze).",
                "The file is written by the node that hosts the process, on its file system."})
public final class CheckpointCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "PROCESS", description = "process name")
    String process;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Option(names = "--to", defaultValue = ".caravan/checkpoints", description = "directory (default: ${DEFAULT-VALUE})")
    Path dir;

    @Override
    public Integer call() {
        try (CaravanClient client = cluster.client()) {
            Location at = client.locate(process);
            Path file = dir.toAbsolutePath().resolve(process + "-epoch" + at.epoch() + "-"
                    + Clock.now() + ".ckpt");
            ProgressBar bar = new ProgressBar(System.err, null);
            MigrationReport r;
            try (FrameClient c = FrameClient.connect(at.control(), new Hello("cli", cluster.token()), Duration.ofSeconds(30),
                    f -> {
                        MigrationProgress p = MigrationProgress.readFrom(f.reader());
                        if (!output.json) {
                            bar.accept(p);
                        }
                    }, dev.caravan.wire.net.ClientTransport.current())) {
                r = MigrationReport.readFrom(c.call(Op.NODE_CHECKPOINT,
                        new BodyWriter().string(process).string(file.toString()).toBytes(), Duration.ofMinutes(30)).expectOk());
            }
            bar.finish();
            if (output.json) {
                dev.caravan.cli.out.Json.print(r);
                return 0;
            }
            System.out.printf(Locale.ROOT, "checkpointed %s on %s to %s%n  %s of memory, %s written in %d ms, frozen %.3f ms%n",
                    r.name(), r.fromNode(), r.detail(), Sizes.human(r.stateBytes()), Sizes.human(r.bytesSent()), r.totalMs(),
                    r.downtimeMicros() / 1000.0);
            return 0;
        }
    }

    /** Timestamps for file names, from the one clock the CLI reads. */
    private static final class Clock {
        static String now() {
            return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.ofEpochMilli(dev.caravan.core.time.Clock.system().nowMs()));
        }
    }
}
