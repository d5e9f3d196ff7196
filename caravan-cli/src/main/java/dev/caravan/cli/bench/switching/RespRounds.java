package dev.caravan.cli.bench.switching;

import dev.caravan.cli.bench.RedisBenchmark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The RESP part of a run: redis-benchmark's SET and GET against the Redis-compatible process,
 * straight to its data endpoint ({@link #DIRECT}) and through the switch's process front end
 * ({@link #SWITCH}), without and with pipelining, in alternating rounds; the ratio switch ÷
 * direct per round, summarised as median and range.
 *
 * <p>Threading: filled by one thread, then read.
 */
public final class RespRounds {
    public static final String DIRECT = "direct";
    public static final String SWITCH = "switch-process";
    /** Target: through the switch at least this fraction of direct (issue 10). */
    public static final double TARGET = 0.7;

    /** One redis-benchmark run: its results per test, or the error that stopped it. */
    public record Sample(String path, int pipeline, int round, List<RedisBenchmark.Result> results, String error) {
    }

    /** One test at one pipeline depth over the rounds. */
    public record Row(String test, int pipeline, Spread directOps, Spread switchOps, Spread ratio, Spread directP99Ms,
                      Spread switchP99Ms, List<String> errors) {
        public boolean met() {
            return errors.isEmpty() && !ratio.isEmpty() && ratio.median() >= TARGET;
        }
    }

    private final List<Sample> samples = new ArrayList<>();

    public void add(Sample s) {
        samples.add(s);
    }

    public List<Row> rows(List<Integer> pipelines, List<String> tests, int rounds) {
        List<Row> rows = new ArrayList<>();
        for (int p : pipelines) {
            for (String t : tests) {
                List<Double> dOps = new ArrayList<>();
                List<Double> sOps = new ArrayList<>();
                List<Double> ratio = new ArrayList<>();
                List<Double> dP99 = new ArrayList<>();
                List<Double> sP99 = new ArrayList<>();
                List<String> errors = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    RedisBenchmark.Result d = result(DIRECT, p, r, t, errors);
                    RedisBenchmark.Result s = result(SWITCH, p, r, t, errors);
                    dOps.add(d == null ? Double.NaN : d.opsPerSec());
                    sOps.add(s == null ? Double.NaN : s.opsPerSec());
                    dP99.add(d == null ? Double.NaN : d.p99Ms());
                    sP99.add(s == null ? Double.NaN : s.p99Ms());
                    ratio.add(d == null || s == null ? Double.NaN : s.opsPerSec() / d.opsPerSec());
                }
                if (dOps.stream().allMatch(v -> v.isNaN()) && sOps.stream().allMatch(v -> v.isNaN()) && errors.isEmpty()) {
                    continue;
                }
                rows.add(new Row(t, p, new Spread(dOps, "ops/s"), new Spread(sOps, "ops/s"), new Spread(ratio, "×"),
                        new Spread(dP99, "ms"), new Spread(sP99, "ms"), errors));
            }
        }
        return rows;
    }

    private RedisBenchmark.Result result(String path, int pipeline, int round, String test, List<String> errors) {
        for (Sample s : samples) {
            if (s.path().equals(path) && s.pipeline() == pipeline && s.round() == round) {
                if (s.error() != null) {
                    String e = path + " round " + round + ": " + s.error();
                    if (!errors.contains(e)) {
                        errors.add(e);
                    }
                    return null;
                }
                return s.results().stream().filter(x -> x.test().equals(test)).findFirst().orElse(null);
            }
        }
        return null;
    }

    public static Map<String, Object> json(Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", r.test());
        m.put("pipeline", r.pipeline());
        m.put("direct", r.directOps().json());
        m.put("switch", r.switchOps().json());
        m.put("switchVsDirect", r.ratio().json());
        m.put("directP99", r.directP99Ms().json());
        m.put("switchP99", r.switchP99Ms().json());
        m.put("target", Map.of("unit", "×", "min", TARGET));
        m.put("met", r.met());
        m.put("errors", r.errors());
        return m;
    }
}
