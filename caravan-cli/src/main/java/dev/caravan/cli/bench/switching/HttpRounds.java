package dev.caravan.cli.bench.switching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP samples of a run, one per (connections, path, round), and the rows made of them:
 * wrk's req/s, the constant-rate generator's p50/p99, and each path's ratios to HAProxy and to
 * direct. Ratios are taken round by round (the paths of one round ran minutes apart at most, so
 * a busy machine slows them alike) and summarised as median and range over the rounds.
 *
 * <p>Threading: filled by one thread, then read.
 */
public final class HttpRounds {
    /**
     * One measurement.
     *
     * @param openLoop null when the constant-rate run was skipped (no HAProxy figure to set its rate)
     * @param error    why the path failed this round, or null
     */
    public record Sample(String path, int connections, int round, WrkRun.Result wrk, OpenLoopHttpLoad.Result openLoop, String error) {
    }

    /** One path at one connection count, over the rounds. */
    public record Row(String path, int connections, int wrkConnections, Spread requestsPerSec, Spread p50Ms, Spread p99Ms,
                      Spread openLoopRate, Spread vsHaproxy, Spread vsDirect, Spread p99VsHaproxy, long wrkErrors,
                      long openLoopErrors, long openLoopUnsent, List<String> errors) {
    }

    private final List<Sample> samples = new ArrayList<>();

    public void add(Sample s) {
        samples.add(s);
    }

    public List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** The sample of a path at a connection count in a round, or null. */
    public Sample find(String path, int connections, int round) {
        for (Sample s : samples) {
            if (s.path().equals(path) && s.connections() == connections && s.round() == round) {
                return s;
            }
        }
        return null;
    }

    /** Rows for every measured (connections, path), connections first, paths in {@link HttpPath#ORDER}. */
    public List<Row> rows(List<Integer> connectionCounts, int rounds) {
        List<Row> rows = new ArrayList<>();
        for (int c : connectionCounts) {
            for (String path : HttpPath.ORDER) {
                if (samples.stream().noneMatch(s -> s.path().equals(path) && s.connections() == c)) {
                    continue;
                }
                rows.add(row(path, c, rounds));
            }
        }
        return rows;
    }

    private Row row(String path, int c, int rounds) {
        List<Double> rps = new ArrayList<>();
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> rate = new ArrayList<>();
        List<Double> vsHaproxy = new ArrayList<>();
        List<Double> vsDirect = new ArrayList<>();
        List<Double> p99VsHaproxy = new ArrayList<>();
        long wrkErrors = 0;
        long olErrors = 0;
        long unsent = 0;
        int wrkConnections = 0;
        List<String> errors = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            Sample s = find(path, c, r);
            if (s == null) {
                continue;
            }
            if (s.error() != null) {
                errors.add("round " + r + ": " + s.error());
            }
            double myRps = s.wrk() == null ? Double.NaN : s.wrk().requestsPerSec();
            double myP99 = s.openLoop() == null ? Double.NaN : s.openLoop().quantileMs(0.99);
            rps.add(myRps);
            p50.add(s.openLoop() == null ? Double.NaN : s.openLoop().quantileMs(0.50));
            p99.add(myP99);
            rate.add(s.openLoop() == null ? Double.NaN : s.openLoop().ratePerSec());
            if (s.wrk() != null) {
                wrkErrors += s.wrk().errors();
                wrkConnections = s.wrk().connections();
            }
            if (s.openLoop() != null) {
                olErrors += s.openLoop().errors();
                unsent += s.openLoop().unsent();
                s.openLoop().someErrors().stream().limit(2).forEach(e -> errors.add("round " + s.round() + " open loop: " + e));
            }
            Sample h = find(HttpPath.HAPROXY, c, r);
            Sample d = find(HttpPath.DIRECT, c, r);
            vsHaproxy.add(h == null || h.wrk() == null ? Double.NaN : myRps / h.wrk().requestsPerSec());
            vsDirect.add(d == null || d.wrk() == null ? Double.NaN : myRps / d.wrk().requestsPerSec());
            p99VsHaproxy.add(h == null || h.openLoop() == null ? Double.NaN : myP99 / h.openLoop().quantileMs(0.99));
        }
        return new Row(path, c, wrkConnections, new Spread(rps, "req/s"), new Spread(p50, "ms"), new Spread(p99, "ms"),
                new Spread(rate, "req/s"), new Spread(vsHaproxy, "×"), new Spread(vsDirect, "×"), new Spread(p99VsHaproxy, "×"),
                wrkErrors, olErrors, unsent, errors);
    }

    /** A row as JSON: every figure a {@link Spread#json()} with its unit. */
    public static Map<String, Object> json(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", r.path());
        m.put("connections", r.connections());
        m.put("wrkConnections", r.wrkConnections());
        m.put("requestsPerSec", r.requestsPerSec().json());
        m.put("openLoopRate", r.openLoopRate().json());
        m.put("p50", r.p50Ms().json());
        m.put("p99", r.p99Ms().json());
        m.put("requestsPerSecVsHaproxy", r.vsHaproxy().json());
        m.put("requestsPerSecVsDirect", r.vsDirect().json());
        m.put("p99VsHaproxy", r.p99VsHaproxy().json());
        m.put("wrkErrors", Map.of("unit", "requests", "value", r.wrkErrors()));
        m.put("openLoopErrors", Map.of("unit", "requests", "value", r.openLoopErrors()));
        m.put("openLoopUnsent", Map.of("unit", "requests", "value", r.openLoopUnsent()));
        m.put("errors", r.errors());
        return m;
    }

    /** Whether a row has a positive req/s in every round and no errors. */
    public static boolean clean(Row r) {
        return r.errors().isEmpty() && r.wrkErrors() == 0 && r.openLoopErrors() == 0
                && r.requestsPerSec().values().stream().allMatch(v -> v > 0);
    }
}
