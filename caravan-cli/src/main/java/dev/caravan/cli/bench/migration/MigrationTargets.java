package dev.caravan.cli.bench.migration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The migration engine's targets (issue 8, item 8), checked against a run: each with the figure
 * it is judged on, the limit, and by how much it was missed. Pure; thread-safe.
 */
public final class MigrationTargets {
    /** One target and how the run fared. */
    public record Target(String name, double value, double limit, boolean met, String detail) {
        /** How far over the limit, as a factor (1.0 = exactly at it). */
        public double overBy() {
            return value / limit;
        }
    }

    private MigrationTargets() {
    }

    public static List<Target> check(List<ModeResult> results, double loopbackBytesPerSec) {
        return check(results, loopbackBytesPerSec, "raw loopback bandwidth");
    }

    /** As {@link #check(List, double)}, against the reference bandwidth called {@code referenceName} (e.g. host-to-host). */
    public static List<Target> check(List<ModeResult> results, double loopbackBytesPerSec, String referenceName) {
        List<Target> out = new ArrayList<>();
        double sac = MigrationTable.stopAndCopyDowntimeMs(results);
        double pre = MigrationTable.find(results, "pre-copy").map(ModeResult::downtimeMs).orElse(Double.NaN);
        out.add(target("pre-copy downtime ≤ 1/100 of stop-and-copy downtime", pre, sac / 100,
                String.format(Locale.ROOT, "%.1f ms vs %.1f ms ÷ 100 = %.1f ms", pre, sac, sac / 100)));
        MigrationTable.find(results, "pre-copy").ifPresent(r -> {
            double ref = MigrationTable.referenceSec(r, loopbackBytesPerSec);
            out.add(target("pre-copy total time ≤ 2 × (state ÷ " + referenceName + ")", r.totalSec(), 2 * ref,
                    String.format(Locale.ROOT, "%.2f s vs 2 × %.2f s = %.2f s", r.totalSec(), ref, 2 * ref)));
        });
        double preP99 = MigrationTable.find(results, "pre-copy").map(r -> r.latency().quantileMs(0.99)).orElse(Double.NaN);
        MigrationTable.find(results, "post-copy").ifPresent(r -> {
            out.add(target("post-copy max client latency ≤ 100 ms", r.latency().maxMs(), 100,
                    String.format(Locale.ROOT, "%.1f ms", r.latency().maxMs())));
            double p99 = r.latency().quantileMs(0.99);
            out.add(target("post-copy p99 client latency ≤ 2 × pre-copy's p99", p99, 2 * preP99,
                    String.format(Locale.ROOT, "%.1f ms vs 2 × %.1f ms = %.1f ms", p99, preP99, 2 * preP99)));
            out.add(target("post-copy bytes ≤ 1.05 × state", r.report().bytesRatio(), 1.05,
                    String.format(Locale.ROOT, "%.3f × state", r.report().bytesRatio())));
        });
        int failed = results.stream().mapToInt(r -> r.failures().size()).sum();
        out.add(new Target("zero failed client requests in every mode", failed, 0, failed == 0, failed + " failed"
                + (failed == 0 ? "" : " (" + perMode(results, true) + ")")));
        int lost = results.stream().mapToInt(r -> r.lostWrites().size()).sum();
        int notCommitted = (int) results.stream().filter(r -> !r.committed()).count();
        out.add(new Target("no acknowledged write lost", lost, 0, lost == 0, lost + " lost"
                + (lost == 0 ? "" : " (" + perMode(results, false) + ")")));
        if (notCommitted > 0) {
            out.add(new Target("every migration committed", notCommitted, 0, false, notCommitted + " did not commit"));
        }
        return out;
    }

    private static Target target(String name, double value, double limit, String detail) {
        boolean met = !Double.isNaN(value) && !Double.isNaN(limit) && value <= limit;
        return new Target(name, value, limit, met, detail);
    }

    private static String perMode(List<ModeResult> results, boolean failures) {
        List<String> parts = new ArrayList<>();
        for (ModeResult r : results) {
            int n = failures ? r.failures().size() : r.lostWrites().size();
            if (n > 0) {
                parts.add(r.mode() + " " + n);
            }
        }
        return String.join(", ", parts);
    }

    public static String render(List<Target> targets) {
        StringBuilder b = new StringBuilder("targets\n");
        for (Target t : targets) {
            String miss = "";
            if (!t.met() && t.limit() > 0 && !Double.isNaN(t.value())) {
                miss = String.format(Locale.ROOT, " — missed by %.2f× (%.3g over)", t.overBy(), t.value() - t.limit());
            }
            b.append(String.format(Locale.ROOT, "  %-7s %-62s %s%s%n", t.met() ? "met" : "MISSED", t.name(), t.detail(), miss));
        }
        return b.toString();
    }

    public static List<Map<String, Object>> rows(List<Target> targets) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", t.name());
            m.put("value", t.value());
            m.put("limit", t.limit());
            m.put("met", t.met());
            m.put("detail", t.detail());
            rows.add(m);
        }
        return rows;
    }
}
