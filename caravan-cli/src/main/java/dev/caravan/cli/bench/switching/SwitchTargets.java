package dev.caravan.cli.bench.switching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 10's targets for the switch, checked on a run's median ratios: content-aware round
 * robin ≥ 0.8× HAProxy's req/s with p99 ≤ 1.5× HAProxy's p99 (at each connection count);
 * handoff ≥ 0.95× direct's req/s; RESP through the switch ≥ 0.7× direct (each test and
 * pipeline depth). A target whose paths were not measured is listed as not measured, not met.
 */
public final class SwitchTargets {
    public static final double CONTENT_VS_HAPROXY = 0.8;
    public static final double CONTENT_P99_VS_HAPROXY = 1.5;
    public static final double HANDOFF_VS_DIRECT = 0.95;

    /**
     * One target.
     *
     * @param atLeast true for "figure ≥ bound", false for "figure ≤ bound"
     */
    public record Target(String name, Spread figure, boolean atLeast, double bound) {
        public boolean measured() {
            return !figure.isEmpty();
        }

        public boolean met() {
            return measured() && (atLeast ? figure.median() >= bound : figure.median() <= bound);
        }

        public String render() {
            return String.format(Locale.ROOT, "%-52s %s %.2f: %-22s %s", name, atLeast ? "≥" : "≤", bound, figure.render(2),
                    !measured() ? "NOT MEASURED" : met() ? "met" : "MISSED");
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", name);
            m.put("comparison", atLeast ? ">=" : "<=");
            m.put("bound", bound);
            m.put("figure", figure.json());
            m.put("measured", measured());
            m.put("met", met());
            return m;
        }
    }

    private SwitchTargets() {
    }

    public static List<Target> check(List<HttpRounds.Row> http, List<RespRounds.Row> resp) {
        List<Target> targets = new ArrayList<>();
        for (HttpRounds.Row r : http) {
            if (r.path().equals(HttpPath.CONTENT)) {
                targets.add(new Target("content-aware round robin req/s ÷ HAProxy, " + r.connections() + " conn", r.vsHaproxy(), true,
                        CONTENT_VS_HAPROXY));
                targets.add(new Target("content-aware round robin p99 ÷ HAProxy p99, " + r.connections() + " conn", r.p99VsHaproxy(),
                        false, CONTENT_P99_VS_HAPROXY));
            }
            if (r.path().equals(HttpPath.HANDOFF)) {
                targets.add(new Target("handoff req/s ÷ direct, " + r.connections() + " conn", r.vsDirect(), true, HANDOFF_VS_DIRECT));
            }
        }
        for (RespRounds.Row r : resp) {
            targets.add(new Target("RESP " + r.test() + (r.pipeline() > 1 ? " -P " + r.pipeline() : "") + " switch ÷ direct",
                    r.ratio(), true, RespRounds.TARGET));
        }
        return targets;
    }
}
