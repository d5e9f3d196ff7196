package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.plot.Axis;
import dev.caravan.lab.report.Table;
import dev.caravan.lab.sync.FairRwLock;
import dev.caravan.lab.sync.ReaderPreferringRwLock;
import dev.caravan.lab.sync.RwLock;
import dev.caravan.lab.sync.WriterPreferringRwLock;
import dev.caravan.lab.sync.measure.LoadRun;
import dev.caravan.lab.sync.measure.Stats;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Readers-writers with {@link #READERS} readers that read back to back (each read holds the lock
 * ~200 µs, like a read from disk) and {@link #WRITERS} writers that write now and then: the
 * reader-preferring solution starves the writers, the writer-preferring one the readers (when
 * writers are frequent), the fair one neither. Starvation is counted as waits longer than the
 * threshold and as threads that completed under a tenth of their share.
 */
public final class ReadersWritersProblem extends Problem {
    static final int READERS = 4;
    static final int WRITERS = 2;

    public ReadersWritersProblem(LabSettings settings, Progress progress, Clock clock) {
        super(settings, progress, clock);
    }

    @Override
    public String id() {
        return "readers-writers";
    }

    @Override
    protected Section measure() {
        List<RwLock> locks = List.of(new ReaderPreferringRwLock(), new WriterPreferringRwLock(), new FairRwLock());
        Table.Builder t = new Table.Builder("Readers-writers: " + READERS + " readers (200 µs reads, back to back), " + WRITERS
                + " writers (50 µs writes, 1 ms apart); starvation threshold " + starveNs() / 1_000_000 + " ms",
                "solution", "reads/s", "writes/s", "reader p99 ms", "reader max ms", "writer p99 ms", "writer max ms",
                "reader waits > thr", "writer waits > thr", "starved threads");
        List<String> names = new ArrayList<>();
        double[][] v = new double[2][locks.size()];
        for (int i = 0; i < locks.size(); i++) {
            RwLock l = locks.get(i);
            progress.step("sync readers-writers: " + l.name() + ", " + settings.durationMs() + " ms");
            long[] shared = new long[2];
            List<String> roles = new ArrayList<>();
            List<LoadRun.Step> steps = new ArrayList<>();
            for (int r = 0; r < READERS; r++) {
                roles.add("reader");
                steps.add(idx -> {
                    long t0 = clock.nanoTime();
                    l.readLock();
                    long waited = clock.nanoTime() - t0;
                    long a = shared[0];
                    LockSupport.parkNanos(200_000);
                    long b = shared[1];
                    l.readUnlock();
                    if (a != b) {
                        throw new IllegalStateException("torn read under " + l.name() + ": " + a + " vs " + b);
                    }
                    return waited;
                });
            }
            for (int w = 0; w < WRITERS; w++) {
                roles.add("writer");
                steps.add(idx -> {
                    LockSupport.parkNanos(1_000_000);
                    long t0 = clock.nanoTime();
                    l.writeLock();
                    long waited = clock.nanoTime() - t0;
                    shared[0]++;
                    LoadRun.busy(clock, 50_000);
                    shared[1]++;
                    l.writeUnlock();
                    return waited;
                });
            }
            var res = new LoadRun(clock).run(roles, steps, durationNs());
            Stats rd = Stats.of(res, "reader", durationNs(), starveNs());
            Stats wr = Stats.of(res, "writer", durationNs(), starveNs());
            t.row(l.name(), rd.perSecond(), wr.perSecond(), rd.p99WaitNs() / 1e6, rd.maxWaitNs() / 1e6, wr.p99WaitNs() / 1e6,
                    wr.maxWaitNs() / 1e6, rd.longWaits(), wr.longWaits(), rd.starvedThreads() + wr.starvedThreads());
            names.add(l.name());
            v[0][i] = rd.maxWaitNs() / 1e6;
            v[1][i] = wr.maxWaitNs() / 1e6;
        }
        return new Section("Readers-writers and starvation",
                "Reader-preferring (the slides): the first reader locks writers out and the last lets them in; readers that keep "
                        + "overlapping never let the count reach zero, so writers wait until the readers stop: their max wait "
                        + "approaches the run length. Writer-preferring: a waiting writer shuts the gate for new readers. Fair: "
                        + "everyone queues at one FIFO semaphore first. Each reader checks it never sees a half-done write.",
                List.of(t.build()), List.of(bars("sync-readers-writers-waits.png", "Readers-writers: longest wait",
                Axis.auto("longest wait", "ms"), names, List.of("reader max wait", "writer max wait"), List.of(v))));
    }
}
