package dev.caravan.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes PNG charts without a display (AWT headless). One static entry point per chart kind;
 * thread-safe (each call builds its own chart).
 */
public final class Charts {
    private static final Color[] MARKER_COLORS = {new Color(255, 200, 0, 70), new Color(220, 0, 0, 70), new Color(0, 120, 255, 50)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * A line chart of {@code series}, with each marker drawn as a shaded band from the bottom
     * of the data to its top.
     *
     * @param logY whether the y axis is logarithmic (all y must then be positive)
     */
    public static Path line(Path png, String title, String xLabel, String yLabel, List<Series> series,
                            List<Marker> markers, boolean logY) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(560).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double v : s.y()) {
                if (!Double.isNaN(v) && (!logY || v > 0)) {
                    minY = Math.min(minY, v);
                    maxY = Math.max(maxY, v);
                }
            }
        }
        if (minY == Double.MAX_VALUE) {
            minY = logY ? 1 : 0;
            maxY = 1;
        }
        int i = 0;
        for (Marker m : markers) {
            XYSeries band = chart.addSeries(m.label(), new double[] {m.fromX(), m.fromX(), m.toX(), m.toX()},
                    new double[] {minY, maxY, maxY, minY});
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            band.setFillColor(MARKER_COLORS[i % MARKER_COLORS.length]);
            band.setLineColor(MARKER_COLORS[i % MARKER_COLORS.length]);
            band.setMarker(SeriesMarkers.NONE);
            i++;
        }
        for (Series s : series) {
            XYSeries xy = chart.addSeries(s.name(), s.x().length == 0 ? new double[] {0} : s.x(),
                    s.y().length == 0 ? new double[] {logY ? 1 : 0} : s.y());
            xy.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            xy.setMarker(SeriesMarkers.CIRCLE);
        }
        return write(chart, png);
    }

    /** A grouped bar chart: one group per category, one bar per series. */
    public static Path bars(Path png, String title, String yLabel, List<String> categories, List<String> seriesNames,
                            List<double[]> values, boolean logY) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(560).title(title).yAxisTitle(yLabel).build();
        chart.getStyler().setYAxisLogarithmic(logY);
        if (logY) {
            // Bars grow from the axis minimum, which must be positive on a log scale.
            double min = Double.MAX_VALUE;
            for (double[] vs : values) {
                for (double v : vs) {
                    if (v > 0) {
                        min = Math.min(min, v);
                    }
                }
            }
            chart.getStyler().setYAxisMin(min == Double.MAX_VALUE ? 1 : Math.pow(10, Math.floor(Math.log10(min))));
        }
        chart.getStyler().setXAxisLabelRotation(20);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        for (int s = 0; s < seriesNames.size(); s++) {
            List<Double> ys = new ArrayList<>();
            for (double v : values.get(s)) {
                ys.add(v);
            }
            chart.addSeries(seriesNames.get(s), categories, ys);
        }
        return write(chart, png);
    }

    private static Path write(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path png) throws IOException {
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        String name = png.toString();
        String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
        BitmapEncoder.saveBitmap(chart, base, BitmapEncoder.BitmapFormat.PNG);
        return Path.of(base + ".png");
    }
}
