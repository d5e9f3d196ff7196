package dev.caravan.lab.code;

import dev.caravan.lab.report.Estimate;
import dev.caravan.lab.report.Figure;
import dev.caravan.lab.report.LabResult;
import dev.caravan.lab.report.Plots;
import dev.caravan.lab.report.RunInfo;
import dev.caravan.lab.report.Section;
import dev.caravan.lab.report.Table;
import dev.caravan.plot.Axis;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report of {@code caravan lab code}: per approach (client-server, remote evaluation), the
 * bytes that crossed the client's connections and the time to the answer, over several runs,
 * as a table (mean ± half the spread), two bar plots and the lab's JSON. Refuses to report
 * when the runs' counts disagree with each other or with the data set's: a disagreement is a
 * bug, not a result.
 */
public final class CodeLabReport {
    public static final String CLIENT_SERVER = "client-server (SCAN + MGET, count at the client)";
    public static final String REMOTE_EVALUATION = "remote evaluation (function shipped to the data)";

    /** One timed run of one approach. */
    public record Run(String approach, int index, long bytesMoved, long nanos, long count) {
    }

    private CodeLabReport() {
    }

    /**
     * @throws IllegalStateException when a run's count differs from {@code data}'s expected count
     */
    public static LabResult build(DataSet data, List<Run> runs, RunInfo run, long startedMs, Path outDir) {
        long expected = data.expectedMatches();
        for (Run r : runs) {
            if (r.count() != expected) {
                throw new IllegalStateException("run " + r.index() + " of " + r.approach() + " counted " + r.count()
                        + " matches where the data set holds " + expected + ": the approaches disagree");
            }
        }
        List<String> approaches = List.of(CLIENT_SERVER, REMOTE_EVALUATION);
        Table.Builder t = new Table.Builder("Count the values matching '" + DataSet.PATTERN + "' in " + data.keys() + " keys × "
                + data.valueBytes() + " B (" + mib(data.totalValueBytes()) + " MiB of values)",
                "approach", "runs", "time ms (mean ± half spread)", "bytes moved (mean)", "MiB moved", "matches");
        double[] ms = new double[approaches.size()];
        double[] moved = new double[approaches.size()];
        for (int a = 0; a < approaches.size(); a++) {
            String name = approaches.get(a);
            List<Run> of = runs.stream().filter(r -> r.approach().equals(name)).toList();
            if (of.isEmpty()) {
                throw new IllegalStateException("no run of " + name);
            }
            double[] times = of.stream().mapToDouble(r -> r.nanos() / 1e6).toArray();
            double[] bytes = of.stream().mapToDouble(Run::bytesMoved).toArray();
            ms[a] = mean(times);
            moved[a] = mean(bytes);
            t.row(name, of.size(), String.format(Locale.ROOT, "%.1f ± %.1f", ms[a], Estimate.halfRange(times)),
                    String.format(Locale.ROOT, "%.0f", moved[a]), String.format(Locale.ROOT, "%.3f", moved[a] / (1 << 20)),
                    of.getFirst().count());
        }
        Table ratio = new Table.Builder("Remote evaluation against client-server", "quantity", "client-server ÷ remote evaluation")
                .row("bytes moved", String.format(Locale.ROOT, "%.0f×", moved[0] / moved[1]))
                .row("time to the answer", String.format(Locale.ROOT, "%.1f×", ms[0] / ms[1]))
                .build();
        Plots plots = new Plots(outDir, run);
        List<String> cats = List.of("client-server", "remote evaluation");
        List<Figure> figures = new ArrayList<>();
        figures.add(plots.bars("code-bytes.png", "Bytes moved over the client's connections", Axis.log("bytes moved", "MiB"),
                cats, List.of("bytes moved, mean of runs (MiB)"), List.of(new double[] {moved[0] / (1 << 20), moved[1] / (1 << 20)}),
                "Client-server moves every value to the client; remote evaluation moves the function (bundle push"
                        + " included) and the count."));
        figures.add(plots.bars("code-time.png", "Time to the answer", Axis.auto("time to the answer", "ms"), cats,
                List.of("time to the answer, mean of runs (ms)"), List.of(ms)));
        Section section = new Section("Remote evaluation against client-server",
                "The same question over the same data: a client-server client scans the keys and fetches every value to count"
                        + " the matches itself; remote evaluation ships a counting function to the node that holds the data"
                        + " and gets the count back. Bytes are those crossing the client's connections (request and reply, frame"
                        + " and RESP framing included). Every run's count equals the data set's.",
                List.of(t.build(), ratio), figures);
        return LabResult.of("code", "Code mobility: remote evaluation against client-server", run, startedMs, List.of(section));
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / (double) (1 << 20));
    }
}
