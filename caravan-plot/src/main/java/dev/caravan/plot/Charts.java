package dev.caravan.plot;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes PNG charts without a display (AWT headless). One static entry point per chart kind;
 * thread-safe (each call builds its own chart).
 *
 * <p>Every chart is drawn so that a reader can trust it: each axis range has headroom
 * ({@link AxisRange}) so no point sits cut on a limit, the legend sits below the plot where it
 * cannot hide a point, a log axis is a real log axis (ticks at 1, 10, 100 ...), and caption
 * lines under the chart carry what the picture alone does not (parameters, machine, notes).
 */
public final class Charts {
    static final int WIDTH = 1000;
    static final int HEIGHT = 560;
    private static final String PLAIN = "#,##0.###";
    private static final Color[] MARKER_COLORS = {new Color(255, 200, 0, 70), new Color(220, 0, 0, 70), new Color(0, 120, 255, 50)};
    private static final Color[] SERIES_COLORS = {new Color(31, 119, 180), new Color(230, 120, 0), new Color(44, 160, 44),
        new Color(200, 30, 40), new Color(140, 90, 190), new Color(120, 80, 60), new Color(220, 100, 180), new Color(90, 90, 90)};

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {
    }

    /**
     * Points joined by lines, each {@link Marker} drawn as a shaded band over the whole height,
     * hollow points drawn as open circles in their series' colour, {@code plot.caption()} under
     * the chart.
     *
     * @return the PNG written ({@code png}, with {@code .png} appended if missing)
     */
    public static Path line(Path png, LinePlot plot) throws IOException {
        return write(lineChart(plot), plot.caption(), png);
    }

    /** Grouped bars with {@code plot.caption()} under the chart. */
    public static Path bars(Path png, BarPlot plot) throws IOException {
        return write(barChart(plot), plot.caption(), png);
    }

    /**
     * A scatter chart of {@code series} (small unjoined markers: for thousands of points), with
     * each marker drawn as a shaded band over the whole height, and a linear x axis.
     *
     * @param yLabel the y axis title, naming quantity and unit
     * @param logY   whether the y axis is logarithmic (non-positive y are then not drawn)
     */
    public static Path line(Path png, String title, String xLabel, String yLabel, List<Series> series,
                            List<Marker> markers, boolean logY) throws IOException {
        return write(xyChart(title, log -> xLabel, Scale.LINEAR, log -> yLabel, logY ? Scale.LOG : Scale.LINEAR, series, markers,
                "", false), List.of(), png);
    }

    /** A grouped bar chart: one group per category, one bar per series. */
    public static Path bars(Path png, String title, String yLabel, List<String> categories, List<String> seriesNames,
                            List<double[]> values, boolean logY) throws IOException {
        return write(categoryChart(title, log -> yLabel, logY ? Scale.LOG : Scale.LINEAR, categories, seriesNames, values),
                List.of(), png);
    }

    static XYChart lineChart(LinePlot p) {
        return xyChart(p.title(), p.x()::label, p.x().scale(), p.y()::label, p.y().scale(), p.series(), p.markers(),
                p.hollowLabel(), true);
    }

    static CategoryChart barChart(BarPlot p) {
        return categoryChart(p.title(), p.y()::label, p.y().scale(), p.categories(), p.seriesNames(), p.values());
    }

    private static XYChart xyChart(String title, Function<Boolean, String> xLabel, Scale xScale, Function<Boolean, String> yLabel,
                                   Scale yScale, List<Series> series, List<Marker> markers, String hollowLabel, boolean joined) {
        List<double[]> xs = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        List<double[]> filledYs = new ArrayList<>();
        for (Series s : series) {
            xs.add(s.x());
            ys.add(s.y());
            filledYs.add(s.pick(s.y(), false));
        }
        boolean xLog = AxisRange.isLog(xScale, xs.toArray(double[][]::new))
                && (xScale == Scale.LOG || xs.stream().flatMapToDouble(java.util.Arrays::stream).allMatch(v -> v > 0));
        boolean yLog = AxisRange.isLog(yScale, filledYs.toArray(double[][]::new))
                && (yScale == Scale.LOG || filledYs.stream().flatMapToDouble(java.util.Arrays::stream).allMatch(v -> v > 0));
        AxisRange xr = AxisRange.fit(xLog, false, xs.toArray(double[][]::new));
        AxisRange yr = AxisRange.fit(yLog, false, ys.toArray(double[][]::new));
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel.apply(xLog))
                .yAxisTitle(yLabel.apply(yLog)).build();
        style(chart.getStyler(), series.size() + markers.size());
        chart.getStyler().setMarkerSize(joined ? 7 : 3);
        chart.getStyler().setXAxisLogarithmic(xLog);
        chart.getStyler().setYAxisLogarithmic(yLog);
        chart.getStyler().setXAxisMin(xr.min()).setXAxisMax(xr.max()).setYAxisMin(yr.min()).setYAxisMax(yr.max());
        // Log ticks read 10,000 and 0.01, not 1E4 (a custom formatter would make XChart place linear ticks).
        if (xLog) {
            chart.getStyler().setXAxisDecimalPattern(PLAIN);
        }
        if (yLog) {
            chart.getStyler().setYAxisDecimalPattern(PLAIN);
        }
        int i = 0;
        for (Marker m : markers) {
            XYSeries band = chart.addSeries(m.label(), new double[] {m.fromX(), m.fromX(), m.toX(), m.toX()},
                    new double[] {yr.min(), yr.max(), yr.max(), yr.min()});
            band.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
            band.setFillColor(MARKER_COLORS[i % MARKER_COLORS.length]);
            band.setLineColor(MARKER_COLORS[i % MARKER_COLORS.length]);
            band.setMarker(SeriesMarkers.NONE);
            i++;
        }
        int c = 0;
        for (Series s : series) {
            Color color = SERIES_COLORS[c++ % SERIES_COLORS.length];
            double[] fy = s.y();
            if (s.anyHollow()) {
                // A gap (NaN) where a point is hollow: the line joins only neighbours that were both measured.
                fy = fy.clone();
                for (int k = 0; k < fy.length; k++) {
                    fy[k] = s.hollow()[k] ? Double.NaN : fy[k];
                }
            }
            if (s.x().length > 0 && s.pick(s.x(), false).length > 0 || !s.anyHollow()) {
                XYSeries xy = chart.addSeries(s.name(), s.x().length == 0 ? new double[] {xr.min()} : s.x(),
                        fy.length == 0 ? new double[] {yr.min()} : fy);
                xy.setXYSeriesRenderStyle(joined ? XYSeries.XYSeriesRenderStyle.Line : XYSeries.XYSeriesRenderStyle.Scatter);
                xy.setMarker(SeriesMarkers.CIRCLE);
                xy.setMarkerColor(color);
                xy.setLineColor(color);
            }
            if (s.anyHollow()) {
                double[] hy = s.pick(s.y(), true);
                if (yLog) {
                    // A log axis has no 0: open markers for non-positive values sit just above its bottom.
                    for (int k = 0; k < hy.length; k++) {
                        hy[k] = hy[k] > 0 ? hy[k] : yr.min() * Math.pow(yr.max() / yr.min(), 0.03);
                    }
                }
                XYSeries open = chart.addSeries(s.name() + ": " + hollowLabel, s.pick(s.x(), true), hy);
                open.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                open.setMarker(new HollowCircle());
                open.setMarkerColor(color);
                open.setLineColor(color);
            }
        }
        return chart;
    }

    private static CategoryChart categoryChart(String title, Function<Boolean, String> yLabel, Scale yScale, List<String> categories,
                                               List<String> seriesNames, List<double[]> values) {
        double[][] all = values.toArray(double[][]::new);
        boolean yLog = AxisRange.isLog(yScale, all);
        AxisRange yr = AxisRange.fit(yLog, true, all);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).yAxisTitle(yLabel.apply(yLog)).build();
        style(chart.getStyler(), seriesNames.size());
        chart.getStyler().setYAxisLogarithmic(yLog);
        // On a log axis bars grow from the axis minimum, which is below the smallest positive value.
        chart.getStyler().setYAxisMin(yr.min()).setYAxisMax(yr.max());
        if (yLog) {
            chart.getStyler().setYAxisDecimalPattern(PLAIN);
        }
        chart.getStyler().setXAxisLabelRotation(categories.size() > 4 ? 20 : 0);
        chart.getStyler().setSeriesColors(SERIES_COLORS);
        for (int s = 0; s < seriesNames.size(); s++) {
            List<Double> ys = new ArrayList<>();
            for (double v : values.get(s)) {
                // A bar that cannot be drawn (log axis) is left out rather than drawn at a made-up height.
                ys.add(Double.isNaN(v) || yLog && v <= 0 ? null : v);
            }
            chart.addSeries(seriesNames.get(s), categories, ys);
        }
        return chart;
    }

    private static void style(AxesChartStyler s, int legendEntries) {
        // Below the plot, the legend never covers a point (inside the plot it hid the top-right ones).
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(legendEntries > 4 ? Styler.LegendLayout.Vertical : Styler.LegendLayout.Horizontal);
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
    }

    /** Renders {@code chart}, with {@code caption} lines under it, as a PNG. */
    static BufferedImage render(Chart<?, ?> chart, List<String> caption) {
        return Captions.under(BitmapEncoder.getBufferedImage(chart), caption);
    }

    private static Path write(Chart<?, ?> chart, List<String> caption, Path png) throws IOException {
        String name = png.toString();
        Path file = name.endsWith(".png") ? png : Path.of(name + ".png");
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        if (!ImageIO.write(render(chart, caption), "png", file.toFile())) {
            throw new IOException("no PNG writer in this JDK");
        }
        return file;
    }
}
