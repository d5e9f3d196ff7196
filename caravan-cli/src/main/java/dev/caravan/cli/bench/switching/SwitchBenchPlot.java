package dev.caravan.cli.bench.switching;

import dev.caravan.plot.Charts;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figure of a run, one PNG: on top, bars of wrk's req/s per path (one bar per connection
 * count), below, bars of the constant-rate generator's p99 per path (log scale). Bars are the
 * medians over the rounds. Both panels are drawn with caravan-plot and stacked.
 */
public final class SwitchBenchPlot {
    private SwitchBenchPlot() {
    }

    public static Path write(Path png, List<HttpRounds.Row> rows, List<Integer> connectionCounts, String subtitle) throws IOException {
        List<String> paths = new ArrayList<>();
        for (String p : HttpPath.ORDER) {
            if (rows.stream().anyMatch(r -> r.path().equals(p))) {
                paths.add(p);
            }
        }
        List<String> series = new ArrayList<>();
        List<double[]> rps = new ArrayList<>();
        List<double[]> p99 = new ArrayList<>();
        for (int c : connectionCounts) {
            double[] r = new double[paths.size()];
            double[] l = new double[paths.size()];
            for (int i = 0; i < paths.size(); i++) {
                HttpRounds.Row row = find(rows, paths.get(i), c);
                r[i] = row == null || row.requestsPerSec().isEmpty() ? 0 : row.requestsPerSec().median();
                l[i] = row == null || row.p99Ms().isEmpty() ? 0 : row.p99Ms().median();
            }
            series.add(c + " connections");
            rps.add(r);
            p99.add(l);
        }
        Path tmp = Files.createTempDirectory("bench-switch-plot");
        try {
            Path top = Charts.bars(tmp.resolve("rps.png"), "caravan bench switch: throughput (wrk, keep-alive; median of rounds) " + subtitle,
                    "requests/s", paths, series, rps, false);
            Path bottom = Charts.bars(tmp.resolve("p99.png"), "p99 latency at a constant rate (open loop, from intended send time)",
                    "p99 (ms, log)", paths, series, p99, true);
            BufferedImage a = ImageIO.read(top.toFile());
            BufferedImage b = ImageIO.read(bottom.toFile());
            BufferedImage out = new BufferedImage(Math.max(a.getWidth(), b.getWidth()), a.getHeight() + b.getHeight(),
                    BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            try {
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, out.getWidth(), out.getHeight());
                g.drawImage(a, 0, 0, null);
                g.drawImage(b, 0, a.getHeight(), null);
            } finally {
                g.dispose();
            }
            if (png.toAbsolutePath().getParent() != null) {
                Files.createDirectories(png.toAbsolutePath().getParent());
            }
            if (!ImageIO.write(out, "png", png.toFile())) {
                throw new IOException("no PNG writer in this JDK");
            }
            return png;
        } finally {
            for (String f : List.of("rps.png", "p99.png")) {
                Files.deleteIfExists(tmp.resolve(f));
            }
            Files.deleteIfExists(tmp);
        }
    }

    private static HttpRounds.Row find(List<HttpRounds.Row> rows, String path, int connections) {
        return rows.stream().filter(r -> r.path().equals(path) && r.connections() == connections).findFirst().orElse(null);
    }

    static String subtitle(int rounds, int seconds) {
        return String.format(Locale.ROOT, "(%d round%s × %d s)", rounds, rounds == 1 ? "" : "s", seconds);
    }
}
