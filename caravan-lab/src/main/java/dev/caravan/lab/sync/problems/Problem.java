package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;
import dev.caravan.plot.Axis;

import java.util.List;

/**
 * One classical synchronization problem: runs each solution under load and returns a section
 * with a table and a plot. {@link #run} is called on one thread and starts its own.
 */
public abstract class Problem {
    protected final LabSettings settings;
    protected final Progress progress;
    protected final Clock clock;
    private Plots plots;

    protected Problem(LabSettings settings, Progress progress, Clock clock) {
        this.settings = settings;
        this.progress = progress;
        this.clock = clock;
    }

    /** The name used on the command line ({@code caravan lab sync NAME}). */
    public abstract String id();

    /** Measures the problem, drawing its figures with {@code figures} (which captions them with the run). */
    public final Section run(Plots figures) {
        this.plots = figures;
        return measure();
    }

    protected abstract Section measure();

    protected Plots plots() {
        return plots;
    }

    protected long durationNs() {
        return settings.durationMs() * 1_000_000L;
    }

    /** Starvation threshold: a wait longer than a twentieth of the run (at least 10 ms). */
    protected long starveNs() {
        return Math.max(10_000_000L, durationNs() / 20);
    }

    protected Figure bars(String file, String title, Axis y, List<String> cats, List<String> series, List<double[]> values,
                          String... notes) {
        return plots.bars(file, title, y, cats, series, values, notes);
    }

    protected static double us(double ns) {
        return ns / 1000;
    }
}
