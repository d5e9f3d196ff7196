package dev.caravan.cli.bench.kv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rounds of {@code caravan bench kv}: each round runs {@link DefaultSuite} against
 * redis-server and the kv process back to back, so each round's ratio compares the two under
 * the same conditions (a busy machine slows both); the table shows the median ratio of the
 * rounds, its spread (lowest and highest round), and the target.
 *
 * <p>Targets (issue 9): SET and GET at least 0.9× redis-server without pipelining and 1.0× with
 * {@code -P 16}; every other test at least 0.7×; and no error reply at all.
 */
public final class SuiteRounds {
    /** Who was measured. */
    public static final String REDIS = "redis";
    public static final String CARAVAN = "caravan";

    /** One run of the suite: ops/s per test and the server's CPU time per request over the run. */
    public record Sample(String target, int pipeline, int round, DefaultSuite.Outcome outcome, double cpuUsPerRequest) {
    }

    /** One line of the table. */
    public record Row(String test, int pipeline, List<Double> redisOps, List<Double> caravanOps, List<Double> ratios,
                      double target, String error) {
        public double medianRatio() {
            return median(ratios);
        }

        public boolean met() {
            return error == null && !ratios.isEmpty() && medianRatio() >= target;
        }
    }

    private final List<Sample> samples = new ArrayList<>();

    public void add(Sample s) {
        samples.add(s);
    }

    /** The target ratio of a test. */
    public static double target(String test, int pipeline) {
        if (test.equals("SET") || test.equals("GET")) {
            return pipeline > 1 ? 1.0 : 0.9;
        }
        return 0.7;
    }

    /** One row per test and pipeline depth, in the suite's order. */
    public List<Row> rows(List<Integer> pipelines) {
        List<Row> rows = new ArrayList<>();
        for (int pipeline : pipelines) {
            for (String[] t : DefaultSuite.TESTS) {
                String test = DefaultSuite.key(t[0]);
                List<Double> redis = new ArrayList<>();
                List<Double> caravan = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                String error = null;
                for (int round : rounds()) {
                    Double r = ops(REDIS, pipeline, round, test);
                    Double c = ops(CARAVAN, pipeline, round, test);
                    if (r != null) {
                        redis.add(r);
                    }
                    if (c != null) {
                        caravan.add(c);
                    }
                    if (r != null && c != null) {
                        ratios.add(c / r);
                    }
                    String e = error(CARAVAN, pipeline, round, test);
                    String re = error(REDIS, pipeline, round, test);
                    if (error == null && (e != null || re != null)) {
                        error = e != null ? "caravan: " + e : "redis-server: " + re;
                    }
                }
                rows.add(new Row(test, pipeline, redis, caravan, ratios, target(test, pipeline), error));
            }
        }
        return rows;
    }

    /** Median CPU microseconds per request of one target's server process at one pipeline depth, with every round's figure. */
    public List<Double> cpuUsPerRequest(String target, int pipeline) {
        List<Double> out = new ArrayList<>();
        for (Sample s : samples) {
            if (s.target().equals(target) && s.pipeline() == pipeline && !Double.isNaN(s.cpuUsPerRequest())) {
                out.add(s.cpuUsPerRequest());
            }
        }
        return out;
    }

    private List<Integer> rounds() {
        return samples.stream().map(Sample::round).distinct().sorted().toList();
    }

    private Double ops(String target, int pipeline, int round, String test) {
        for (Sample s : samples) {
            if (s.target().equals(target) && s.pipeline() == pipeline && s.round() == round) {
                return s.outcome().opsPerSec().get(test);
            }
        }
        return null;
    }

    private String error(String target, int pipeline, int round, String test) {
        for (Sample s : samples) {
            if (s.target().equals(target) && s.pipeline() == pipeline && s.round() == round) {
                return s.outcome().errors().get(test);
            }
        }
        return null;
    }

    /** The human table. */
    public static String render(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-17s %-5s %12s %12s %7s %-13s %6s  %s%n", "TEST", "PIPE", "REDIS OPS/S",
                "CARAVAN OPS/S", "RATIO", "SPREAD", "TARGET", "MET"));
        for (Row r : rows) {
            String spread = r.ratios().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f-%.2f", Collections.min(r.ratios()),
                    Collections.max(r.ratios()));
            b.append(String.format(Locale.ROOT, "%-17s %-5s %12s %12s %7s %-13s %6.2f  %s%n", r.test(),
                    r.pipeline() > 1 ? "-P" + r.pipeline() : "none", ops(r.redisOps()), ops(r.caravanOps()),
                    r.ratios().isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f", r.medianRatio()), spread, r.target(),
                    r.error() != null ? "ERROR " + r.error() : r.met() ? "met" : "MISSED"));
        }
        return b.toString();
    }

    private static String ops(List<Double> values) {
        return values.isEmpty() ? "-" : String.format(Locale.ROOT, "%,.0f", median(values));
    }

    /** The JSON form of a row. */
    public static Map<String, Object> json(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", r.test());
        m.put("pipeline", r.pipeline());
        m.put("redisOpsPerSec", r.redisOps());
        m.put("caravanOpsPerSec", r.caravanOps());
        m.put("ratios", r.ratios());
        m.put("ratio", r.ratios().isEmpty() ? null : r.medianRatio());
        m.put("ratioMin", r.ratios().isEmpty() ? null : Collections.min(r.ratios()));
        m.put("ratioMax", r.ratios().isEmpty() ? null : Collections.max(r.ratios()));
        m.put("target", r.target());
        m.put("met", r.met());
        m.put("error", r.error());
        return m;
    }

    /** The median (mean of the middle two for an even count); NaN for none. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
