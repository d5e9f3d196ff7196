package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.plot.Axis;
import dev.caravan.lab.report.Table;
import dev.caravan.lab.sync.dining.AsymmetricTable;
import dev.caravan.lab.sync.dining.BothOrNoneTable;
import dev.caravan.lab.sync.dining.DiningRun;
import dev.caravan.lab.sync.dining.DiningTable;
import dev.caravan.lab.sync.dining.NaiveTable;
import dev.caravan.lab.sync.dining.SeatLimitTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;

/**
 * Five dining philosophers: the naive table left to deadlock on its own (a {@code yield}
 * between the chopsticks widens the window), then, if it did not, forced into the deadlock (all
 * take their left chopstick, meet at a barrier, then reach for the right); both detected by the
 * JVM and recovered from by interrupts. Then the three remedies, which must run the whole time.
 */
public final class DiningProblem extends Problem {
    static final int N = 5;

    public DiningProblem(LabSettings settings, Progress progress, Clock clock) {
        super(settings, progress, clock);
    }

    @Override
    public String id() {
        return "dining";
    }

    /** A naive table whose philosophers all hold their left chopstick before anyone reaches right. */
    public static NaiveTable forcedDeadlockTable(int n) {
        CyclicBarrier allHoldLeft = new CyclicBarrier(n);
        return new NaiveTable(n, p -> {
            try {
                allHoldLeft.await();
            } catch (BrokenBarrierException e) {
                // The barrier breaks when another philosopher is interrupted: carry on to the second lock.
                Thread.currentThread().interrupt();
                throw new InterruptedException("barrier broken");
            }
        });
    }

    @Override
    protected Section measure() {
        DiningRun run = new DiningRun(clock);
        List<DiningRun.Outcome> outcomes = new ArrayList<>();
        progress.step("sync dining: naive table, no forcing, up to " + settings.durationMs() + " ms, JVM deadlock check every 5 ms");
        outcomes.add(run.run(new NaiveTable(N, p -> Thread.yield()), durationNs(), 1_000, 0));
        progress.step("sync dining: naive table forced (barrier after the left chopstick)");
        outcomes.add(run.run(forcedDeadlockTable(N), durationNs(), 1_000, 0));
        for (DiningTable t : List.of(new SeatLimitTable(N), new BothOrNoneTable(N), new AsymmetricTable(N))) {
            progress.step("sync dining: " + t.name() + ", " + settings.durationMs() + " ms");
            outcomes.add(run.run(t, durationNs(), 1_000, 20_000));
        }
        Table.Builder tb = new Table.Builder("Dining philosophers (" + N + "), eating 1 µs", "table", "ran ms", "meals/s",
                "meals per philosopher", "p99 hungry µs", "max hungry µs", "deadlock found after ms", "recovered", "starved");
        List<String> names = new ArrayList<>();
        double[] tput = new double[outcomes.size()];
        StringBuilder cycles = new StringBuilder();
        for (int i = 0; i < outcomes.size(); i++) {
            DiningRun.Outcome o = outcomes.get(i);
            String name = o.table() + (i == 1 ? " [forced]" : "");
            long mean = o.totalMeals() / N;
            long starved = Arrays.stream(o.meals()).filter(m -> m * 10 < mean).count();
            tb.row(name, o.elapsedNs() / 1e6, o.totalMeals() / (o.elapsedNs() / 1e9), Arrays.toString(o.meals()),
                    us(o.hungryWaits().quantileNs(0.99)), us(o.hungryWaits().maxNs()),
                    o.deadlocked() ? String.format(java.util.Locale.ROOT, "%.1f", o.timeToDeadlockNs() / 1e6) : "none",
                    o.recovered() ? "yes" : "NO", o.deadlocked() ? "-" : Long.toString(starved));
            names.add(name);
            tput[i] = o.totalMeals() / (o.elapsedNs() / 1e9);
            if (o.deadlocked()) {
                cycles.append("\n\nJVM-reported cycle (").append(name).append("):\n");
                o.cycle().forEach(e -> cycles.append("    ").append(e).append('\n'));
            }
        }
        return new Section("Dining philosophers: deadlock, detection, remedies",
                "Chopsticks are ReentrantLocks taken with lockInterruptibly. A watcher thread calls "
                        + "ThreadMXBean.findDeadlockedThreads() every 5 ms; on a cycle it interrupts the deadlocked philosophers, "
                        + "who release what they hold and leave (recovery). Remedies: at most n-1 seated (a counting semaphore), "
                        + "both chopsticks or none inside one critical section, and asymmetric order (odd left-first, even "
                        + "right-first). 'starved' counts philosophers with under a tenth of the mean meals." + cycles,
                List.of(tb.build()), List.of(bars("sync-dining-throughput.png", "Dining philosophers: meals per second",
                Axis.auto("meal rate", "meals/s"), names, List.of("meal rate (meals/s)"), List.of(tput))));
    }
}
