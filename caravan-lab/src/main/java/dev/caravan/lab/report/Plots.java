package dev.caravan.lab.report;

import dev.caravan.plot.Axis;
import dev.caravan.plot.AxisRange;
import dev.caravan.plot.BarPlot;
import dev.caravan.plot.Charts;
import dev.caravan.plot.LinePlot;
import dev.caravan.plot.Series;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's figures: every PNG carries, under the chart, its notes and the run's command line and
 * machine ({@link RunInfo#captionLines()}). Axes name quantity and unit; bars with a zero on a
 * log axis are left out and say so. One per experiment run; used on its driving thread.
 */
public final class Plots {
    private final Path dir;
    private final RunInfo run;

    public Plots(Path dir, RunInfo run) {
        this.dir = dir;
        this.run = run;
    }

    /** Grouped bars into {@code dir/file}. */
    public Figure bars(String file, String title, Axis y, List<String> cats, List<String> series, List<double[]> values,
                       String... notes) {
        List<String> n = new ArrayList<>(List.of(notes));
        double[][] all = values.toArray(double[][]::new);
        if (AxisRange.isLog(y.scale(), all) && hasNonPositive(all)) {
            n.add("No bar: the value is 0 (a log axis cannot draw 0); see the table.");
        }
        return write(title, file, n, png -> Charts.bars(png, new BarPlot(title, y, cats, series, values, captions(n))));
    }

    /** Points joined by lines into {@code dir/file}; {@code hollowLabel} names what open markers mean, if any. */
    public Figure line(String file, String title, Axis x, Axis y, List<Series> series, String hollowLabel, String... notes) {
        List<String> n = List.of(notes);
        return write(title, file, n, png -> Charts.line(png, new LinePlot(title, x, y, series, List.of(), hollowLabel, captions(n))));
    }

    private List<String> captions(List<String> notes) {
        List<String> c = new ArrayList<>(notes);
        c.addAll(run.captionLines());
        return c;
    }

    private Figure write(String title, String file, List<String> notes, Renderer r) {
        try {
            return new Figure(title, r.render(dir.resolve(file)).getFileName().toString(), notes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(file), e);
        }
    }

    private static boolean hasNonPositive(double[][] values) {
        for (double[] vs : values) {
            for (double v : vs) {
                if (Double.isNaN(v) || v <= 0) {
                    return true;
                }
            }
        }
        return false;
    }

    @FunctionalInterface
    private interface Renderer {
        Path render(Path png) throws IOException;
    }
}
