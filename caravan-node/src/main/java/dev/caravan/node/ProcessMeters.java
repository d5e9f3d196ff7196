package dev.caravan.node;

import dev.caravan.core.process.CommandTimer;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.core.time.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The meters of one process hosted on this node, tagged {@code process=<name>}; see
 * docs/operating.md ("Metrics") for each one. Removed from the registry by {@link #close} when the
 * process leaves the node, so that no stale series stays behind.
 *
 * <p>Cost on the command path: the runner reads the clock once per command and records the
 * command's service time in a Timer ({@link CommandTimer}); the command counters read the runner's
 * own counters at scrape time. Memory and page gauges read a snapshot that {@link #refresh} takes on
 * the process thread (the only thread that may read the dirty bits), at most one pending at a time.
 *
 * <p>Threading: {@link #refresh} and {@link #close} from the node's ticker; gauges are read by
 * scrapes on any thread.
 */
final class ProcessMeters implements AutoCloseable {
    /** One reading of the process's memory, taken on its thread. */
    private record Snapshot(long allocatedPages, long dirtyPages, long pagesDirtied, long memoryBytes, long atNs,
                            double dirtyPagesPerSecond) {
    }

    /**
     * One command in this many is timed into the latency histogram. Timing every one cost about 15 %
     * of a pipelined SET's CPU on the 2-core bench machine (Micrometer's timer keeps a windowed max and
     * a rotating histogram per record); a regular 1-in-8 sample keeps the distribution's shape at an
     * eighth of the cost. Exact counts are {@code caravan_process_commands_total}.
     */
    static final int SAMPLE_EVERY = 8;
    /** Commands seen by the timer; written on the process thread only. */
    private long commandsSeen;
    private final MeterRegistry registry;
    private final HostedProcess process;
    private final Clock clock;
    private final List<Meter> meters = new ArrayList<>();
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private volatile Snapshot snapshot = new Snapshot(0, 0, 0, 0, 0, 0);
    private volatile boolean closed;

    ProcessMeters(MeterRegistry registry, HostedProcess process, Clock clock) {
        this.registry = registry;
        this.process = process;
        this.clock = clock;
        ProcessRunner runner = process.runner();
        Tags tags = Tags.of("process", process.spec().name());
        meters.add(FunctionCounter.builder("caravan.process.commands", runner, ProcessRunner::commandsServed)
                .description("Commands the process has served (errors included)").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("caravan.process.command.errors", runner, ProcessRunner::commandsFailed)
                .description("Commands that ended in an error the process raised").tags(tags).register(registry));
        Timer duration = Timer.builder("caravan.process.command.duration")
                .description("Time the process thread spent on a command (queueing excluded), one command in "
                        + SAMPLE_EVERY + " timed").tags(tags)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(1_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        meters.add(duration);
        meters.add(Gauge.builder("caravan.process.queued.commands", runner, r -> r.queuedCommands())
                .description("Commands waiting in the process's mailbox").tags(tags).register(registry));
        meters.add(Gauge.builder("caravan.process.epoch", runner, r -> r.epoch())
                .description("The process's ownership epoch (rises with each move)").tags(tags).register(registry));
        for (ProcessState s : ProcessState.values()) {
            meters.add(Gauge.builder("caravan.process.state", runner, r -> r.state() == s ? 1 : 0)
                    .description("1 for the state the process is in, 0 for the others").tags(tags)
                    .tag("state", s.name().toLowerCase(Locale.ROOT)).register(registry));
        }
        meters.add(Gauge.builder("caravan.process.pages.allocated", this, m -> m.snapshot.allocatedPages())
                .description("Pages of the process's paged memory backed by memory").tags(tags).register(registry));
        meters.add(Gauge.builder("caravan.process.pages.dirty", this, m -> m.snapshot.dirtyPages())
                .description("Pages written since dirty tracking last started a round").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("caravan.process.pages.dirtied", this, m -> m.snapshot.pagesDirtied())
                .description("Clean pages made dirty (a page counts again after a migration round cleared it)").tags(tags)
                .register(registry));
        meters.add(Gauge.builder("caravan.process.dirty.pages.per.second", this, m -> m.snapshot.dirtyPagesPerSecond())
                .description("Clean pages made dirty per second over the last refresh interval").tags(tags)
                .register(registry));
        meters.add(Gauge.builder("caravan.process.memory", this, m -> m.snapshot.memoryBytes())
                .description("Off-heap bytes the process's paged memory holds").tags(tags).baseUnit("bytes").register(registry));
        meters.add(Gauge.builder("caravan.process.memory.capacity", process, p -> p.spec().memoryBytes())
                .description("The process's paged-memory capacity (its reservation on the node)").tags(tags).baseUnit("bytes")
                .register(registry));
        runner.commandTimer(ns -> {
            // Process thread only (CommandTimer's contract): a plain counter picks every SAMPLE_EVERY-th command.
            if (++commandsSeen % SAMPLE_EVERY == 0) {
                duration.record(ns, TimeUnit.NANOSECONDS);
            }
        });
    }

    HostedProcess process() {
        return process;
    }

    /** Takes a new memory snapshot on the process thread, unless one is still pending. */
    void refresh() {
        if (closed || !refreshPending.compareAndSet(false, true)) {
            return;
        }
        try {
            process.runner().onProcessThread(() -> {
                var memory = process.memory();
                return new long[] {memory.allocatedPages(), memory.dirtyPageCount(), memory.pagesDirtiedTotal(),
                        memory.allocatedBytes()};
            }).whenComplete((v, failure) -> {
                refreshPending.set(false);
                if (v != null) {
                    onSnapshot(v[0], v[1], v[2], v[3]);
                }
            });
        } catch (RuntimeException e) {
            refreshPending.set(false);
        }
    }

    private void onSnapshot(long allocatedPages, long dirtyPages, long pagesDirtied, long memoryBytes) {
        long now = clock.nanoTime();
        Snapshot last = snapshot;
        double rate = last.atNs() == 0 || now <= last.atNs() ? 0
                : (pagesDirtied - last.pagesDirtied()) * 1e9 / (now - last.atNs());
        snapshot = new Snapshot(allocatedPages, dirtyPages, pagesDirtied, memoryBytes, now, rate);
    }

    /** Removes every meter of the process and stops timing its commands. */
    @Override
    public void close() {
        closed = true;
        process.runner().commandTimer(CommandTimer.NONE);
        meters.forEach(registry::remove);
    }
}
