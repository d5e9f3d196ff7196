package dev.caravan.plot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChartsTest {
    @TempDir
    Path dir;

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
}
