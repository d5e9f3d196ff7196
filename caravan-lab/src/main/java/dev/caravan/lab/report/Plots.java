package dev.caravan.lab.report;

import dev.caravan.plot.Charts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Bar charts for the lab. A logarithmic bar chart is drawn as bars of {@code log10(value)} on a
 * linear axis, because the chart library's category charts start bars at zero and so refuse a
 * log axis. Stateless.
 */
public final class Plots {
    private Plots() {
    }

    /** Writes {@code dir/file} and returns its figure. */
    public static Figure bars(Path dir, String file, String title, String yLabel, List<String> cats, List<String> series,
                              List<double[]> values, boolean logScale) {
        List<double[]> shown = values;
        String label = yLabel;
        if (logScale) {
            shown = new ArrayList<>();
            for (double[] v : values) {
                double[] l = new double[v.length];
                for (int i = 0; i < v.length; i++) {
                    l[i] = Double.isNaN(v[i]) || v[i] <= 0 ? 0 : Math.log10(v[i]);
                }
                shown.add(l);
            }
            label = "log10(" + yLabel + ")";
        }
        try {
            return new Figure(title, Charts.bars(dir.resolve(file), title, label, cats, series, shown, false)
                    .getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
