package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.report.Table;
import dev.caravan.lab.sync.PrioritySimulator;
import dev.caravan.lab.sync.PrioritySimulator.Protocol;
import dev.caravan.lab.sync.PrioritySimulator.Task;
import dev.caravan.plot.Axis;
import dev.caravan.plot.Series;

import java.util.ArrayList;
import java.util.List;

import static dev.caravan.lab.sync.PrioritySimulator.LOCK;
import static dev.caravan.lab.sync.PrioritySimulator.UNLOCK;

/**
 * Priority inversion on the {@link PrioritySimulator}: L (low) holds the mutex, H (high) needs
 * it, and m medium tasks that never touch the mutex keep L off the CPU, so H waits for all of
 * them. With priority inheritance H waits only for L's critical section.
 */
public final class PriorityInversionProblem extends Problem {
    static final int MAX_MEDIUM = 8;
    static final int MEDIUM_WORK = 5;

    public PriorityInversionProblem(LabSettings settings, Progress progress, Clock clock) {
        super(settings, progress, clock);
    }

    @Override
    public String id() {
        return "priority-inversion";
    }

    /** H's response time (ticks from arrival to finish) with {@code medium} medium tasks. */
    public static int highResponseTicks(int medium, Protocol protocol) {
        List<Task> tasks = new ArrayList<>();
        tasks.add(new Task("H", 3, 1, new int[] {LOCK, 2, UNLOCK}));
        tasks.add(new Task("L", 1, 0, new int[] {LOCK, 4, UNLOCK, 1}));
        for (int i = 0; i < medium; i++) {
            tasks.add(new Task("M" + i, 2, 2, new int[] {MEDIUM_WORK}));
        }
        return PrioritySimulator.run(tasks, protocol)[0] - 1;
    }

    @Override
    protected Section measure() {
        progress.step("sync priority-inversion: simulated 1-CPU priority scheduler, 0.." + MAX_MEDIUM + " medium tasks");
        Table.Builder t = new Table.Builder("Priority inversion: H's response time in ticks (H needs 2 ticks in the mutex; "
                + "L holds it for 4 from tick 0; H arrives at 1, medium tasks of " + MEDIUM_WORK + " ticks at 2)",
                "medium tasks", "no protocol", "priority inheritance", "delay caused by medium tasks");
        double[] x = new double[MAX_MEDIUM + 1];
        double[] none = new double[MAX_MEDIUM + 1];
        double[] inh = new double[MAX_MEDIUM + 1];
        for (int m = 0; m <= MAX_MEDIUM; m++) {
            x[m] = m;
            none[m] = highResponseTicks(m, Protocol.NONE);
            inh[m] = highResponseTicks(m, Protocol.INHERITANCE);
            t.row(m, (long) none[m], (long) inh[m], (long) (none[m] - inh[m]));
        }
        Figure f = plots().line("sync-priority-inversion.png", "Priority inversion: high-priority task's response time",
                Axis.linear("medium-priority tasks", "tasks"), Axis.linear("response time of H", "ticks"),
                List.of(new Series("no protocol", x, none), new Series("priority inheritance", x, inh)), "");
        return new Section("Priority inversion",
                "Java thread priorities are hints: HotSpot on Linux ignores them unless started with "
                        + "-XX:ThreadPriorityPolicy=1 as root, and even then the kernel's fair scheduler does not run threads "
                        + "strictly by priority, so real threads do not show the effect reliably. It is shown on an explicit, "
                        + "deterministic one-CPU strict-priority scheduler (PrioritySimulator) instead. Without a protocol the "
                        + "high-priority task waits for L's critical section plus every medium task (unbounded inversion, the Mars "
                        + "Pathfinder bug); with priority inheritance L runs at H's priority while H waits, and the medium tasks "
                        + "no longer matter.",
                List.of(t.build()), List.of(f));
    }
}
