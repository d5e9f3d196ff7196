package dev.caravan.cli.bench.migration;

import dev.caravan.launch.Sizes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-mode table of a migration run, with its ratios to the references: downtime ÷
 * stop-and-copy's downtime, and total time ÷ (state ÷ raw loopback bandwidth). Shared by
 * {@code bench migration} and {@code demo}. Pure rendering; thread-safe.
 */
public final class MigrationTable {
    private static final String ROW = "%-14s %9s %8s %11s %8s %8s %7s %7s %9s %7s %6s %8s %9s %9s %7s %9s %9s %6s%n";

    private MigrationTable() {
    }

    /**
     * @param loopbackBytesPerSec the raw loopback bandwidth, NaN if not measured
     */
    public static String render(List<ModeResult> results, double loopbackBytesPerSec) {
        return render(results, loopbackBytesPerSec, "raw loopback bandwidth");
    }

    /**
     * @param referenceBytesPerSec the bandwidth the total times are held against, NaN if not measured
     * @param referenceName        what it is, for the legend (e.g. {@code raw host-to-host bandwidth})
     */
    public static String render(List<ModeResult> results, double referenceBytesPerSec, String referenceName) {
        double sacDowntime = stopAndCopyDowntimeMs(results);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, ROW, "MODE", "TOTAL S", "÷ REF", "DOWNTIME MS", "÷ S&C", "BYTES÷S", "MB/S", "ROUNDS",
                "ALLOC MS", "FAULTS", "PG/FLT", "FLT P50", "FLT P99", "FLT MAX", "FAILED", "MAX MS", "P99 MS", "LOST"));
        for (ModeResult r : results) {
            var faults = r.report().faults();
            boolean pulled = faults.faults() > 0;
            b.append(String.format(Locale.ROOT, ROW, r.mode() + (r.committed() ? "" : "!"), f(r.totalSec(), 2),
                    f(r.totalSec() / referenceSec(r, referenceBytesPerSec), 2), f(r.downtimeMs(), 1),
                    f(r.downtimeMs() / sacDowntime, 3), f(r.report().bytesRatio(), 3),
                    f(r.report().throughputBytesPerSec() / 1e6, 1), r.report().rounds(),
                    r.report().destination().allocationMs(), faults.faults(), pulled ? f(faults.pagesPerFault(), 1) : "-",
                    pulled ? f(faults.p50Micros() / 1000.0, 2) : "-", pulled ? f(faults.p99Micros() / 1000.0, 2) : "-",
                    pulled ? f(faults.maxMicros() / 1000.0, 2) : "-", r.failures().size(), f(r.latency().maxMs(), 1),
                    f(r.latency().quantileMs(0.99), 1), r.lostWrites().size()));
        }
        if (!results.isEmpty()) {
            long state = results.getFirst().report().stateBytes();
            b.append(String.format(Locale.ROOT, "state %s; ÷ REF = total ÷ (state ÷ %s%s); "
                            + "÷ S&C = downtime ÷ stop-and-copy downtime; MB/S = bytes sent ÷ total time; ALLOC MS = the destination allocating memory before"
                            + " the commit; FAULTS, PG/FLT, FLT P50/P99/MAX = post-copy faults, pages each brought, service"
                            + " time in ms; MAX/P99 = client latency during the migration%n",
                    Sizes.human(state), referenceName, Double.isNaN(referenceBytesPerSec) ? ", not measured here"
                            : String.format(Locale.ROOT, " %.0f MB/s → %.2f s", referenceBytesPerSec / 1e6, state / referenceBytesPerSec)));
        }
        for (ModeResult r : results) {
            if (!r.committed()) {
                b.append(r.mode()).append(": ").append(r.report().outcome()).append(" — ").append(r.report().detail()).append('\n');
            }
        }
        return b.toString();
    }

    /** state ÷ loopback bandwidth, in seconds. */
    static double referenceSec(ModeResult r, double loopbackBytesPerSec) {
        return r.report().stateBytes() / loopbackBytesPerSec;
    }

    static double stopAndCopyDowntimeMs(List<ModeResult> results) {
        return find(results, "stop-and-copy").map(ModeResult::downtimeMs).orElse(Double.NaN);
    }

    static java.util.Optional<ModeResult> find(List<ModeResult> results, String mode) {
        return results.stream().filter(r -> r.mode().equals(mode)).findFirst();
    }

    /** JSON-ready rows, one per mode. */
    public static List<Map<String, Object>> rows(List<ModeResult> results, double loopbackBytesPerSec) {
        double sacDowntime = stopAndCopyDowntimeMs(results);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ModeResult r : results) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", r.mode());
            m.put("from", r.report().fromNode());
            m.put("to", r.report().toNode());
            m.put("outcome", r.report().outcome().label());
            m.put("totalSec", r.totalSec());
            m.put("totalOverReference", r.totalSec() / referenceSec(r, loopbackBytesPerSec));
            m.put("downtimeMs", r.downtimeMs());
            m.put("downtimeOverStopAndCopy", r.downtimeMs() / sacDowntime);
            m.put("freezeAtMs", r.report().freezeAtMs());
            m.put("stateBytes", r.report().stateBytes());
            m.put("bytesSent", r.report().bytesSent());
            m.put("bytesOverState", r.report().bytesRatio());
            m.put("throughputBytesPerSec", r.report().throughputBytesPerSec());
            m.put("rounds", r.report().rounds());
            m.put("pagesFetchedOnDemand", r.report().pagesFetchedOnDemand());
            m.put("pagesPushedAfterResume", r.report().pagesPushedAfterResume());
            m.put("forwardedCommands", r.report().forwardedCommands());
            m.put("throttlePercent", r.report().throttlePercent());
            m.put("stopReason", r.report().stopReason().toString());
            m.put("overBudget", r.report().overBudget());
            m.put("destinationAllocationMs", r.report().destination().allocationMs());
            m.put("destinationBytesAtCommit", r.report().destination().freshBytes());
            m.put("restoreHookMicros", r.report().destination().hookMicros());
            m.put("registerAndStartMicros", r.report().destination().registerMicros());
            m.put("faults", r.report().faults().faults());
            m.put("pagesPerFault", r.report().faults().pagesPerFault());
            m.put("faultP50Micros", r.report().faults().p50Micros());
            m.put("faultP99Micros", r.report().faults().p99Micros());
            m.put("faultMaxMicros", r.report().faults().maxMicros());
            m.put("switchOver", r.report().switchOver());
            m.put("writerBytesPerSec", r.writerBytesPerSec());
            m.put("clientRequests", r.latency().size());
            m.put("failedRequests", r.failures().size());
            m.put("failures", r.failures().stream().limit(20).map(FailureLog.Failure::what).toList());
            m.put("maxLatencyMs", r.latency().maxMs());
            m.put("p99LatencyMs", r.latency().quantileMs(0.99));
            m.put("p50LatencyMs", r.latency().quantileMs(0.50));
            m.put("lostAcknowledgedWrites", r.lostWrites().size());
            m.put("lost", r.lostWrites().stream().limit(20).toList());
            m.put("detail", r.report().detail());
            rows.add(m);
        }
        return rows;
    }

    static String f(double v, int decimals) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
