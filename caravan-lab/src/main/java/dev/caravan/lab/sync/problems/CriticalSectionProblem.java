package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.plot.Axis;
import dev.caravan.lab.report.Table;
import dev.caravan.lab.sync.CasLock;
import dev.caravan.lab.sync.JdkLock;
import dev.caravan.lab.sync.Mutex;
import dev.caravan.lab.sync.NoLock;
import dev.caravan.lab.sync.PetersonLock;
import dev.caravan.lab.sync.SemaphoreLock;
import dev.caravan.lab.sync.TasLock;
import dev.caravan.lab.sync.measure.LoadRun;
import dev.caravan.lab.sync.measure.Stats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The critical-section problem with two threads: no lock (a race: lost updates counted),
 * Peterson, test-and-set, compare-and-swap, a binary semaphore, and {@code ReentrantLock}.
 * The critical section is {@code count++} on a plain field.
 */
public final class CriticalSectionProblem extends Problem {
    public CriticalSectionProblem(LabSettings settings, Progress progress, Clock clock) {
        super(settings, progress, clock);
    }

    @Override
    public String id() {
        return "critical-section";
    }

    /** The shared, deliberately unsynchronized counter. */
    static final class Counter {
        long count;
    }

    @Override
    protected Section measure() {
        List<Mutex> locks = List.of(new NoLock(), new PetersonLock(), new TasLock(), new CasLock(), new SemaphoreLock(),
                new JdkLock(false));
        Table.Builder t = new Table.Builder("Critical section: 2 threads, count = count + 1 inside, " + settings.durationMs() + " ms each",
                "lock", "ops/s", "lost updates", "mean wait ns", "p99 wait ns", "max wait µs", "ops t0 : t1", "starved threads");
        List<String> names = new ArrayList<>();
        double[] tput = new double[locks.size()];
        double[] p99 = new double[locks.size()];
        double[] max = new double[locks.size()];
        for (int i = 0; i < locks.size(); i++) {
            Mutex m = locks.get(i);
            progress.step("sync critical-section: " + m.name() + ", 2 threads, " + settings.durationMs() + " ms");
            Counter c = new Counter();
            LoadRun.Step step = idx -> {
                long t0 = clock.nanoTime();
                m.lock(idx);
                long waited = clock.nanoTime() - t0;
                // Read, pause, write: the race window of count++ made wide enough to see.
                long v = c.count;
                Thread.onSpinWait();
                c.count = v + 1;
                m.unlock(idx);
                return waited;
            };
            List<LoadRun.ThreadResult> r = new LoadRun(clock).run(List.of("t", "t"), Collections.nCopies(2, step), durationNs());
            Stats s = Stats.of(r, null, durationNs(), starveNs());
            long lost = s.ops() - c.count;
            t.row(m.name(), s.perSecond(), lost, s.meanWaitNs(), s.p99WaitNs(), us(s.maxWaitNs()),
                    r.get(0).ops() + " : " + r.get(1).ops(), s.starvedThreads());
            names.add(m.name());
            tput[i] = s.perSecond() / 1e6;
            p99[i] = us(s.p99WaitNs());
            max[i] = us(s.maxWaitNs());
        }
        return new Section("Critical section: race, Peterson, TAS, CAS, semaphore",
                "Two threads increment a shared plain long, each increment inside lock/unlock. Without a lock increments are "
                        + "lost (read-modify-write interleaves). Peterson's algorithm works for two threads when its flags and "
                        + "turn are volatile (sequentially consistent under the JMM). Test-and-set and compare-and-swap are "
                        + "hardware atomic instructions used as spin locks; the binary semaphore parks waiters in a FIFO queue. "
                        + "'wait' is the time from calling lock to entering. A thread is starved when it completed less than a tenth "
                        + "of the mean per thread.",
                List.of(t.build()),
                List.of(bars("sync-critical-section-throughput.png", "Critical section throughput (2 threads)",
                                Axis.auto("throughput", "M ops/s"), names, List.of("throughput (M ops/s)"), List.of(tput)),
                        bars("sync-critical-section-waits.png", "Critical section: wait to enter", Axis.auto("wait to enter", "µs"),
                                names, List.of("p99 wait", "max wait"), List.of(p99, max))));
    }
}
