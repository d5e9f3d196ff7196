package dev.caravan.lab.report;

import dev.caravan.lab.LabSettings;
import dev.caravan.plot.Axis;
import dev.caravan.plot.Series;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PlotsTest {
    @TempDir
    Path dir;

    @Test
    void shouldCaptionEveryPngWithTheRunAndSayWhyABarIsMissing() throws Exception {
        Plots plots = new Plots(dir, RunInfo.of("caravan lab sync", new LabSettings(dir, 200, 0.1), 0));
        Figure f = plots.bars("w.png", "waits", Axis.log("wait", "µs"), List.of("a", "b"), List.of("p99 wait"),
                List.of(new double[] {0, 400}));
        assertThat(f.notes()).singleElement().asString().startsWith("No bar: the value is 0");
        assertThat(ImageIO.read(dir.resolve(f.file()).toFile()).getHeight()).as("chart plus caption lines").isGreaterThan(560 + 3 * 13);

        Figure g = plots.line("l.png", "cost", Axis.log("working set", "KiB"), Axis.linear("cost", "µs"),
                List.of(new Series("threads", new double[] {16, 64}, new double[] {0, 5}, new boolean[] {true, false})),
                "below noise, drawn at 0", "open circles: below noise");
        assertThat(g.notes()).containsExactly("open circles: below noise");
        assertThat(ImageIO.read(dir.resolve(g.file()).toFile()).getHeight()).isGreaterThan(560 + 3 * 13);
    }
}
