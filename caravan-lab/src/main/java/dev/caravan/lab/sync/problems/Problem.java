package dev.caravan.lab.sync.problems;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.LabSettings;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.Progress;
import dev.caravan.lab.report.Section;

import java.util.List;

/**
 * One classical synchronization problem: runs each solution under load and returns a section
 * with a table and a plot. {@link #run} is called on one thread and starts its own.
 */
public abstract class Problem {
    protected final LabSettings settings;
    protected final Progress progress;
    protected final Clock clock;

    protected Problem(LabSettings settings, Progress progress, Clock clock) {
        this.settings = settings;
        this.progress = progress;
        this.clock = clock;
    }

    /** The name used on the command line ({@code caravan lab sync NAME}). */
    public abstract String id();

    public abstract Section run();

    protected long durationNs() {
        return settings.durationMs() * 1_000_000L;
    }

    /** Starvation threshold: a wait longer than a twentieth of the run (at least 10 ms). */
    protected long starveNs() {
        return Math.max(10_000_000L, durationNs() / 20);
    }

    protected Figure bars(String file, String title, String yLabel, List<String> cats, List<String> series,
                          List<double[]> values, boolean logY) {
        return Plots.bars(settings.outDir(), file, title, yLabel, cats, series, values, logY);
    }

    protected static double us(double ns) {
        return ns / 1000;
    }

    /** For log axes: a zero would vanish, so show it as a tiny positive value. */
    protected static double pos(double v) {
        return Double.isNaN(v) || v <= 0 ? 1e-3 : v;
    }
}
