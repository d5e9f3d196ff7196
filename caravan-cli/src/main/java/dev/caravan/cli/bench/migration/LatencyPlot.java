package dev.caravan.cli.bench.migration;

import dev.caravan.plot.Charts;
import dev.caravan.plot.Marker;
import dev.caravan.plot.Series;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The chapter's figure for one migration: each client request's response time (from its
 * intended send time) against when it was due, log y, with the migration and the downtime
 * shaded. Time 0 is when the migration was asked for.
 */
public final class LatencyPlot {
    /** Points drawn at most; beyond, each time bin keeps its slowest and its first request. */
    private static final int MAX_POINTS = 12_000;

    private LatencyPlot() {
    }

    public static Path write(Path png, ModeResult r, double sacDowntimeMs) throws IOException {
        SteadyClients.Samples s = r.plotLatency();
        double[] x = new double[s.size()];
        double[] y = new double[s.size()];
        for (int i = 0; i < s.size(); i++) {
            x[i] = (s.intendedNs()[i] - r.startNs()) / 1e9;
            y[i] = Math.max(0.001, s.latencyNs()[i] / 1e6);
        }
        double[][] xy = thin(x, y);
        double migrationEnd = (r.endNs() - r.startNs()) / 1e9;
        double freeze = r.report().freezeAtMs() / 1000.0;
        double downtimeSec = r.downtimeMs() / 1000.0;
        List<Marker> markers = new ArrayList<>();
        markers.add(new Marker(String.format(Locale.ROOT, "migration (%.2f s)", migrationEnd), 0, migrationEnd));
        if (freeze >= 0) {
            // A downtime of a few ms would be narrower than a pixel; the band is widened to stay visible, its label is exact.
            double shown = Math.max(downtimeSec, migrationEnd / 300);
            markers.add(new Marker(String.format(Locale.ROOT, "downtime (%.1f ms)", r.downtimeMs()), freeze, freeze + shown));
        }
        String title = String.format(Locale.ROOT, "%s: %s -> %s, downtime %.1f ms%s, max client latency %.1f ms, %d failed",
                r.mode(), r.report().fromNode(), r.report().toNode(), r.downtimeMs(),
                Double.isNaN(sacDowntimeMs) || r.mode().equals("stop-and-copy") ? ""
                        : String.format(Locale.ROOT, " (%.3f× stop-and-copy)", r.downtimeMs() / sacDowntimeMs),
                r.latency().maxMs(), r.failures().size());
        return Charts.line(png, title, "time since the migration was asked for (s)", "client response time (ms, log)",
                List.of(new Series("request (latency from its intended send time)", xy[0], xy[1])), markers, true);
    }

    private static double[][] thin(double[] x, double[] y) {
        if (x.length <= MAX_POINTS) {
            return new double[][] {x, y};
        }
        int bins = MAX_POINTS / 2;
        double lo = x[0];
        double hi = x[0];
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double width = Math.max(1e-9, (hi - lo) / bins);
        int[] first = new int[bins];
        int[] slowest = new int[bins];
        java.util.Arrays.fill(first, -1);
        java.util.Arrays.fill(slowest, -1);
        for (int i = 0; i < x.length; i++) {
            int b = (int) Math.min(bins - 1, (x[i] - lo) / width);
            if (first[b] < 0) {
                first[b] = i;
            }
            if (slowest[b] < 0 || y[i] > y[slowest[b]]) {
                slowest[b] = i;
            }
        }
        double[] tx = new double[2 * bins];
        double[] ty = new double[2 * bins];
        int n = 0;
        for (int b = 0; b < bins; b++) {
            for (int i : new int[] {first[b], slowest[b]}) {
                if (i >= 0) {
                    tx[n] = x[i];
                    ty[n] = y[i];
                    n++;
                }
            }
        }
        return new double[][] {java.util.Arrays.copyOf(tx, n), java.util.Arrays.copyOf(ty, n)};
    }
}
