package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.plot.Axis;
import dev.caravan.lab.report.Table;
import dev.caravan.lab.sync.QueueSemaphore;
import dev.caravan.lab.sync.measure.LoadRun;
import dev.caravan.lab.sync.measure.Stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A counting semaphore guarding a pool of {@link #PERMITS} resources used by {@link #THREADS}
 * threads: ours (waiting queue, no busy waiting) against {@link java.util.concurrent.Semaphore}
 * (fair). Checks that never more than {@code PERMITS} threads hold one at once.
 */
public final class SemaphoreProblem extends Problem {
    static final int PERMITS = 2;
    static final int THREADS = 6;

    public SemaphoreProblem(LabSettings settings, Progress progress, Clock clock) {
        super(settings, progress, clock);
    }

    @Override
    public String id() {
        return "semaphore";
    }

    /** Acquire/release of one implementation. */
    private interface Permits {
        void acquire() throws InterruptedException;

        void release();
    }

    @Override
    protected Section measure() {
        QueueSemaphore ours = new QueueSemaphore(PERMITS);
        Semaphore jdk = new Semaphore(PERMITS, true);
        List<String> names = List.of("QueueSemaphore (ours)", "j.u.c.Semaphore (fair)");
        List<Permits> impls = List.of(new Permits() {
            public void acquire() {
                ours.acquire();
            }

            public void release() {
                ours.release();
            }
        }, new Permits() {
            public void acquire() throws InterruptedException {
                jdk.acquire();
            }

            public void release() {
                jdk.release();
            }
        });
        Table.Builder t = new Table.Builder("Counting semaphore: " + PERMITS + " permits, " + THREADS + " threads, 2 µs held",
                "semaphore", "acquires/s", "max holders seen", "mean wait µs", "p99 wait µs", "max wait µs", "min : max per thread",
                "starved threads");
        double[] p99 = new double[2];
        double[] max = new double[2];
        for (int i = 0; i < impls.size(); i++) {
            Permits p = impls.get(i);
            progress.step("sync semaphore: " + names.get(i) + ", " + THREADS + " threads, " + settings.durationMs() + " ms");
            AtomicInteger holders = new AtomicInteger();
            AtomicInteger maxHolders = new AtomicInteger();
            LoadRun.Step step = idx -> {
                long t0 = clock.nanoTime();
                p.acquire();
                long waited = clock.nanoTime() - t0;
                maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                LoadRun.busy(clock, 2_000);
                holders.decrementAndGet();
                p.release();
                return waited;
            };
            var r = new LoadRun(clock).run(Collections.nCopies(THREADS, "user"), Collections.nCopies(THREADS, step), durationNs());
            Stats s = Stats.of(r, null, durationNs(), starveNs());
            t.row(names.get(i), s.perSecond(), maxHolders.get(), us(s.meanWaitNs()), us(s.p99WaitNs()), us(s.maxWaitNs()),
                    s.minThreadOps() + " : " + s.maxThreadOps(), s.starvedThreads());
            p99[i] = us(s.p99WaitNs());
            max[i] = us(s.maxWaitNs());
        }
        return new Section("Counting semaphore with a waiting queue",
                "wait() decrements the value and, if it went negative, queues the caller and parks it; signal() increments it "
                        + "and, if anyone waits, hands the permit to the longest waiter and unparks it. No busy waiting: only the "
                        + "few instructions of wait/signal run under a monitor. 'max holders seen' must not exceed the permits.",
                List.of(t.build()), List.of(bars("sync-semaphore-waits.png", "Counting semaphore: wait to acquire",
                Axis.auto("wait to acquire", "µs"), new ArrayList<>(names), List.of("p99 wait", "max wait"), List.of(p99, max))));
    }
}
