package dev.caravan.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChartsTest {
    private static final Color FIRST_SERIES = new Color(31, 119, 180);
    private static final Color SECOND_SERIES = new Color(230, 120, 0);

    @TempDir
    Path dir;

    @Test
    void shouldDrawEveryPointVisiblyInsideThePlotIncludingTheMaximumAtTheTopRight() {
        // The priority-inversion figure: a straight rise whose last point is the maximum of both axes.
        double[] x = {0, 1, 2, 3, 4, 5, 6, 7, 8};
        double[] rising = {6, 11, 16, 21, 26, 31, 36, 41, 46};
        double[] flat = {6, 6, 6, 6, 6, 6, 6, 6, 6};
        LinePlot plot = new LinePlot("inversion", Axis.linear("medium-priority tasks", "tasks"),
                Axis.linear("response time of H", "ticks"),
                List.of(new Series("no protocol", x, rising), new Series("priority inheritance", x, flat)), List.of(), "", List.of());
        XYChart chart = Charts.lineChart(plot);
        BufferedImage img = BitmapEncoder.getBufferedImage(chart);
        // At x = 0 both series are at 6 and the second is drawn over the first.
        assertVisible(chart, img, java.util.Arrays.copyOfRange(x, 1, 9), java.util.Arrays.copyOfRange(rising, 1, 9), FIRST_SERIES);
        assertVisible(chart, img, x, flat, SECOND_SERIES);
    }

    @Test
    void shouldKeepEveryPointStrictlyInsideTheAxisRanges() {
        double[] x = {0, 16, 1024, 16384};
        double[] y = {-0.2, 0.1, 10, 78};
        XYChart chart = Charts.lineChart(new LinePlot("t", Axis.linear("working set", "KiB"), Axis.linear("cost", "µs"),
                List.of(new Series("threads", x, y)), List.of(), "", List.of()));
        var s = chart.getStyler();
        for (int i = 0; i < x.length; i++) {
            assertThat(x[i]).isStrictlyBetween(s.getXAxisMin(), s.getXAxisMax());
            assertThat(y[i]).isStrictlyBetween(s.getYAxisMin(), s.getYAxisMax());
        }
    }

    @Test
    void shouldUseARealLogAxisWhenValuesSpanMoreThanTwoDecades() {
        BarPlot wide = new BarPlot("creation", Axis.auto("creation cost", "µs"), List.of("JVM", "thread", "virtual"),
                List.of("creation cost (µs)"), List.of(new double[] {95_000, 171, 14.5}), List.of());
        CategoryChart chart = Charts.barChart(wide);
        assertThat(chart.getStyler().isYAxisLogarithmic()).isTrue();
        assertThat(chart.getYAxisTitle()).isEqualTo("creation cost (µs, log scale)");
        assertThat(chart.getStyler().getYAxisMin()).isPositive().isLessThan(14.5);
        assertThat(chart.getStyler().getYAxisMax()).isGreaterThan(95_000);

        BarPlot narrow = new BarPlot("tput", Axis.auto("throughput", "M ops/s"), List.of("a", "b"),
                List.of("throughput (M ops/s)"), List.of(new double[] {2.9, 8.9}), List.of());
        assertThat(Charts.barChart(narrow).getStyler().isYAxisLogarithmic()).isFalse();
        assertThat(Charts.barChart(narrow).getStyler().getYAxisMin()).isZero();
        assertThat(Charts.barChart(narrow).getStyler().getYAxisMax()).isGreaterThan(8.9);
    }

    @Test
    void shouldUseALogXAxisForThreadCountsThatDouble() {
        XYChart chart = Charts.lineChart(new LinePlot("tlp", Axis.auto("fetch threads", "threads"), Axis.auto("wall time", "ms"),
                List.of(new Series("wall time (ms)", new double[] {1, 2, 4, 8, 16, 32, 256}, new double[] {400, 200, 120, 77, 86, 75, 80})),
                List.of(), "", List.of()));
        assertThat(chart.getStyler().isXAxisLogarithmic()).isTrue();
        assertThat(chart.getStyler().isYAxisLogarithmic()).isFalse();
        assertThat(chart.getXAxisTitle()).isEqualTo("fetch threads (threads, log scale)");
    }

    @Test
    void shouldKeepALineChartLinearWhenAPointIsZero() {
        XYChart chart = Charts.lineChart(new LinePlot("t", Axis.linear("working set", "KiB"), Axis.auto("cost", "µs"),
                List.of(new Series("threads", new double[] {1, 2, 3}, new double[] {0, 0.5, 300})), List.of(), "", List.of()));
        assertThat(chart.getStyler().isYAxisLogarithmic()).as("a zero would vanish from a log axis").isFalse();
    }

    @Test
    void shouldRefuseALegendThatIsABareUnit() {
        assertThatThrownBy(() -> new BarPlot("creation", Axis.log("creation cost", "µs"), List.of("JVM"), List.of("µs"),
                List.of(new double[] {1}), List.of()))
                .hasMessageContaining("bare unit").hasMessageContaining("creation cost (µs)");
        assertThatThrownBy(() -> Axis.linear("µs", "µs")).hasMessageContaining("only its unit");
        assertThatThrownBy(() -> Axis.linear("ticks", "")).hasMessageContaining("names its quantity and unit");
    }

    @Test
    void shouldDrawHollowPointsOpenInTheirSeriesColourWithTheirOwnLegendEntry() {
        double[] x = {1, 2, 3};
        double[] y = {5, 0, 9};
        LinePlot plot = new LinePlot("indirect", Axis.linear("working set", "KiB"), Axis.linear("indirect cost", "µs"),
                List.of(new Series("2 processes", x, y, new boolean[] {false, true, false})), List.of(), "below noise, drawn at 0",
                List.of());
        XYChart chart = Charts.lineChart(plot);
        assertThat(chart.getSeriesMap()).containsKeys("2 processes", "2 processes: below noise, drawn at 0");
        BufferedImage img = BitmapEncoder.getBufferedImage(chart);
        int cx = (int) Math.round(chart.getScreenXFromChart(2));
        int cy = (int) Math.round(chart.getScreenYFromChart(0));
        assertThat(new Color(img.getRGB(cx, cy))).as("open centre").isNotEqualTo(FIRST_SERIES);
        boolean ring = false;
        for (int dx = -6; dx <= 6; dx++) {
            ring |= near(new Color(img.getRGB(cx + dx, cy)), FIRST_SERIES);
        }
        assertThat(ring).as("a ring in the series colour around (2, 0)").isTrue();
        assertThatThrownBy(() -> new LinePlot("t", Axis.linear("a", "b"), Axis.linear("c", "d"),
                List.of(new Series("s", x, y, new boolean[] {false, true, false})), List.of(), "", List.of()))
                .hasMessageContaining("hollow points need a legend");
    }

    @Test
    void shouldPrintTheCaptionUnderTheChart() throws Exception {
        Path png = Charts.bars(dir.resolve("c.png"), new BarPlot("cost", Axis.linear("cost", "ns"), List.of("a"),
                List.of("cost (ns)"), List.of(new double[] {3}), List.of("run: --size 0.1 --duration 200 ms",
                "machine: 2 cores, " + "Intel(R) Xeon(R) ".repeat(20))));
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1000);
        assertThat(img.getHeight()).as("three caption lines (one wrapped)").isGreaterThan(560 + 3 * 13);
        int dark = 0;
        for (int x = 0; x < img.getWidth(); x++) {
            for (int y = 560; y < img.getHeight(); y++) {
                dark += new Color(img.getRGB(x, y)).getRed() < 128 ? 1 : 0;
            }
        }
        assertThat(dark).as("caption text pixels").isGreaterThan(200);
    }

    @Test
    void shouldLeaveOutBarsThatALogAxisCannotDraw() throws Exception {
        CategoryChart chart = Charts.barChart(new BarPlot("waits", Axis.log("wait", "µs"), List.of("a", "b"),
                List.of("p99 wait (µs)"), List.of(new double[] {0, 400}), List.of()));
        assertThat(new java.util.ArrayList<Number>(chart.getSeriesMap().get("p99 wait (µs)").getYData())).containsExactly(null, 400.0);
        assertThat(ImageIO.read(Charts.bars(dir.resolve("w.png"), new BarPlot("waits", Axis.log("wait", "µs"), List.of("a", "b"),
                List.of("p99 wait (µs)"), List.of(new double[] {0, 400}), List.of())).toFile()).getWidth()).isEqualTo(1000);
    }

    @Test
    void shouldWriteALineChartWithMarkedRanges() throws Exception {
        Path png = Charts.line(dir.resolve("rt.png"), "response time", "s", "ms",
                List.of(new Series("latency", new double[] {0, 1, 2, 3}, new double[] {1, 2, 50, 1})),
                List.of(new Marker("migration", 1, 2.5), new Marker("downtime", 2, 2.1)), true);
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img.getWidth()).isEqualTo(1000);
        assertThat(img.getHeight()).isEqualTo(560);
    }

    @Test
    void shouldWriteABarChartOnALogScale() throws Exception {
        Path png = Charts.bars(dir.resolve("log.png"), "cost", "ns", List.of("thread", "process"), List.of("cost"),
                List.of(new double[] {8.4, 287_458}), true);
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1000);
    }

    @Test
    void shouldWriteABarChart() throws Exception {
        Path png = Charts.bars(dir.resolve("bars"), "ops", "ops/s", List.of("a", "b"), List.of("x", "y"),
                List.of(new double[] {1, 2}, new double[] {3, 4}), false);
        assertThat(png.getFileName().toString()).isEqualTo("bars.png");
        assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(1000);
    }

    /** Each point's centre is inside the plot, away from its edges, and shows the series' colour (nothing covers it). */
    private static void assertVisible(XYChart chart, BufferedImage img, double[] x, double[] y, Color color) {
        var s = chart.getStyler();
        double left = chart.getScreenXFromChart(s.getXAxisMin());
        double right = chart.getScreenXFromChart(s.getXAxisMax());
        double top = chart.getScreenYFromChart(s.getYAxisMax());
        double bottom = chart.getScreenYFromChart(s.getYAxisMin());
        double radius = s.getMarkerSize() / 2.0;
        for (int i = 0; i < x.length; i++) {
            double px = chart.getScreenXFromChart(x[i]);
            double py = chart.getScreenYFromChart(y[i]);
            assertThat(px).as("x of point %d", i).isBetween(left + radius, right - radius);
            assertThat(py).as("y of point %d", i).isBetween(top + radius, bottom - radius);
            assertThat(near(new Color(img.getRGB((int) Math.round(px), (int) Math.round(py))), color))
                    .as("point (%s, %s) drawn and not covered", x[i], y[i]).isTrue();
        }
    }

    private static boolean near(Color a, Color b) {
        return Math.abs(a.getRed() - b.getRed()) + Math.abs(a.getGreen() - b.getGreen()) + Math.abs(a.getBlue() - b.getBlue()) < 40;
    }
}
