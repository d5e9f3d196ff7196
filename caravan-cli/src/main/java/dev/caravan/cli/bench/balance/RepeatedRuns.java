package dev.caravan.cli.bench.balance;

import dev.caravan.lab.balance.BalanceRun;
import dev.caravan.lab.balance.LoadTimeline;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;

/**
 * The repeats of one mode at one load level, added up into one {@link BalanceRun}: migrations,
 * ping-pong, probes and client errors summed; starting loads and times to converge averaged (the
 * row has converged only if every repeat did); latencies from all repeats' samples together; the
 * highest load after. Owned by one thread.
 */
final class RepeatedRuns {
    /** One repeat's measurements. */
    record Once(List<Double> startLoads, int moves, int pingPongs, BalanceRun.Convergence convergence, long convergeMs,
                LoadTimeline.Probes probes, double probesPerSecAfter, double maxLoadAfter, Histogram before, Histogram after,
                long clientErrors) {
    }

    private final String mode;
    private final String level;
    private final String pngFile;
    private final List<Once> repeats = new ArrayList<>();

    RepeatedRuns(String mode, String level, String pngFile) {
        this.mode = mode;
        this.level = level;
        this.pngFile = pngFile;
    }

    void add(Once once) {
        repeats.add(once);
    }

    BalanceRun total() {
        int nodes = repeats.getFirst().startLoads().size();
        List<Double> start = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            int node = i;
            start.add(repeats.stream().mapToDouble(o -> o.startLoads().get(node)).average().orElse(Double.NaN));
        }
        BalanceRun.Convergence convergence = repeats.stream().map(Once::convergence)
                .filter(c -> c != BalanceRun.Convergence.CONVERGED).findFirst().orElse(BalanceRun.Convergence.CONVERGED);
        long convergeMs = convergence == BalanceRun.Convergence.CONVERGED
                ? Math.round(repeats.stream().mapToLong(Once::convergeMs).average().orElse(-1)) : -1;
        Histogram before = new Histogram(3);
        Histogram after = new Histogram(3);
        repeats.forEach(o -> {
            before.add(o.before());
            after.add(o.after());
        });
        return new BalanceRun(mode, level, repeats.size(), start, repeats.stream().mapToInt(Once::moves).sum(),
                repeats.stream().mapToInt(Once::pingPongs).sum(), convergence, convergeMs,
                repeats.stream().mapToLong(o -> o.probes().sent()).sum(), repeats.stream().mapToLong(o -> o.probes().wasted()).sum(),
                repeats.stream().mapToDouble(Once::probesPerSecAfter).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN),
                repeats.stream().mapToDouble(Once::maxLoadAfter).max().orElse(Double.NaN), ms(before, 50), ms(before, 99),
                ms(after, 50), ms(after, 99), repeats.stream().mapToLong(Once::clientErrors).sum(), pngFile);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1000.0;
    }
}
