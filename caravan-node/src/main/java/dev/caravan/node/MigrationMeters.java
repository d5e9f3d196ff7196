package dev.caravan.node;

import dev.caravan.migration.MigrationListener;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of the migrations and clones that leave this node (its engine's source side); see
 * docs/operating.md ("Metrics"). Totals are tagged {@code mode} (stop-and-copy, pre-copy,
 * post-copy, hybrid) and {@code operation} (migrate, clone); a running operation's gauges are tagged
 * {@code process} and removed when it ends.
 *
 * <p>Threading: called by the engine on each operation's own thread ({@link MigrationListener}).
 */
final class MigrationMeters implements MigrationListener {
    /** The gauges of one running operation and the last progress they read. */
    private static final class Running {
        volatile MigrationProgress last;
        long bytesCounted;
        List<Meter> gauges = List.of();
    }

    private final MeterRegistry registry;
    private final Map<String, Running> running = new ConcurrentHashMap<>();

    MigrationMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    private static Tags totals(MigrationRequest r) {
        return Tags.of("mode", r.mode().label(), "operation", r.cloning() ? "clone" : "migrate");
    }

    @Override
    public void onOutgoingBegun(MigrationRequest r) {
        Counter.builder("caravan.migrations.started").description("Migrations and clones started from this node")
                .tags(totals(r)).register(registry).increment();
        Running run = new Running();
        Tags tags = Tags.of("process", r.name());
        run.gauges = List.of(
                Gauge.builder("caravan.migration.phase", run, x -> x.last == null ? 0 : x.last.phase().value())
                        .description("Phase of the running operation (MigrationPhase wire value: 1 begin, 2 rounds, 3 freeze,"
                                + " 4 last-pages, 5 switch-over, 6 committed, 7 pushing, 8 done)").tags(tags).register(registry),
                Gauge.builder("caravan.migration.round", run, x -> x.last == null ? 0 : x.last.round())
                        .description("Pre-copy round of the running operation").tags(tags).register(registry),
                Gauge.builder("caravan.migration.bandwidth", run, x -> x.last == null ? 0 : x.last.bandwidthBytesPerSec())
                        .description("Page-stream bandwidth of the running operation").tags(tags).baseUnit("bytes_per_second")
                        .register(registry),
                Gauge.builder("caravan.migration.remaining.pages", run, x -> x.last == null ? 0 : x.last.remainingPages())
                        .description("Pages still to send in the running operation's current phase").tags(tags).register(registry));
        Running previous = running.put(r.name(), run);
        if (previous != null) {
            previous.gauges.forEach(registry::remove);
        }
    }

    @Override
    public void onOutgoingProgress(MigrationRequest r, MigrationProgress p) {
        Running run = running.get(r.name());
        if (run == null) {
            return;
        }
        run.last = p;
        countBytes(r, run, p.bytesSent());
    }

    private void countBytes(MigrationRequest r, Running run, long bytesSoFar) {
        long delta = bytesSoFar - run.bytesCounted;
        if (delta > 0) {
            run.bytesCounted = bytesSoFar;
            Counter.builder("caravan.migration.sent").description("Bytes migrations and clones sent (pages and state)")
                    .baseUnit("bytes").tags(totals(r)).register(registry).increment(delta);
        }
    }

    @Override
    public void onOutgoingEnded(MigrationRequest r, MigrationReport report) {
        Running run = running.remove(r.name());
        if (run != null) {
            run.gauges.forEach(registry::remove);
            if (report != null) {
                countBytes(r, run, report.bytesSent());
            }
        }
        Tags tags = totals(r);
        String ending = report == null ? "failed" : ending(report.outcome());
        Counter.builder("caravan.migrations." + ending).description(switch (ending) {
            case "committed" -> "Migrations committed at the destination, or clones running there";
            case "rolled.back" -> "Migrations and clones that ended before commit with the process resumed at the source";
            default -> "Migrations and clones that ended failed or in doubt";
        }).tags(tags).register(registry).increment();
        if (report == null) {
            return;
        }
        DistributionSummary.builder("caravan.migration.rounds").description("Pre-copy rounds per ended operation")
                .tags(tags).register(registry).record(report.rounds());
        Timer.builder("caravan.migration.duration").description("Wall time of each ended operation").tags(tags)
                .register(registry).record(report.totalMs(), TimeUnit.MILLISECONDS);
        if (report.outcome().succeeded()) {
            Timer.builder("caravan.migration.downtime").description("Downtime of each committed migration or clone")
                    .tags(tags).register(registry).record(report.downtimeMicros(), TimeUnit.MICROSECONDS);
        }
        Counter.builder("caravan.migration.postcopy.faults").description("Post-copy page faults the destination served")
                .tags(tags).register(registry).increment(report.faults().faults());
    }

    private static String ending(MigrationOutcome o) {
        return switch (o) {
            case COMMITTED, CLONED, CHECKPOINTED, RESTORED -> "committed";
            case RESUMED_AT_SOURCE, CANCELLED -> "rolled.back";
            case IN_DOUBT, FAILED -> "failed";
        };
    }
}
