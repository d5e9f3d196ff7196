package dev.caravan.cli.bench.switching;

import java.util.List;
import java.util.Locale;

/** The human tables of {@code caravan bench switch}. Pure rendering; thread-safe. */
public final class SwitchBenchTable {
    private static final String HTTP_ROW = "%-5s %-17s %-26s %-22s %-22s %-22s %-18s %-18s %-18s %s%n";
    private static final String RESP_ROW = "%-5s %-4s %-26s %-26s %-18s %-18s %-18s%n";

    private SwitchBenchTable() {
    }

    public static String http(List<HttpRounds.Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, HTTP_ROW, "CONN", "PATH", "REQ/S (wrk)", "OPEN-LOOP RATE", "P50 MS", "P99 MS",
                "÷ HAPROXY", "÷ DIRECT", "P99 ÷ HAPROXY", "ERRORS"));
        for (HttpRounds.Row r : rows) {
            b.append(String.format(Locale.ROOT, HTTP_ROW, r.connections(), r.path(), r.requestsPerSec().render(0),
                    r.openLoopRate().render(0), r.p50Ms().render(2), r.p99Ms().render(2), r.vsHaproxy().render(2),
                    r.vsDirect().render(2), r.p99VsHaproxy().render(2),
                    r.wrkErrors() + r.openLoopErrors() + r.openLoopUnsent() == 0 && r.errors().isEmpty() ? "0"
                            : "wrk " + r.wrkErrors() + ", open loop " + r.openLoopErrors() + " + " + r.openLoopUnsent() + " unsent"));
            for (String e : r.errors()) {
                b.append("      ").append(r.path()).append(": ").append(e).append('\n');
            }
        }
        b.append("each figure: median over the rounds (min–max); ratios taken round by round. REQ/S: wrk, closed loop, keep-alive;\n"
                + "P50/P99: the constant-rate generator at OPEN-LOOP RATE (a fixed fraction of HAProxy's wrk req/s that round),\n"
                + "latency from each request's intended send time.\n");
        return b.toString();
    }

    public static String resp(List<RespRounds.Row> rows) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, RESP_ROW, "TEST", "-P", "DIRECT OPS/S", "SWITCH OPS/S", "SWITCH ÷ DIRECT",
                "DIRECT P99 MS", "SWITCH P99 MS"));
        for (RespRounds.Row r : rows) {
            b.append(String.format(Locale.ROOT, RESP_ROW, r.test(), r.pipeline(), r.directOps().render(0), r.switchOps().render(0),
                    r.ratio().render(2), r.directP99Ms().render(2), r.switchP99Ms().render(2)));
            for (String e : r.errors()) {
                b.append("      ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    public static String targets(List<SwitchTargets.Target> targets) {
        StringBuilder b = new StringBuilder("targets (issue 10):\n");
        for (SwitchTargets.Target t : targets) {
            b.append("  ").append(t.render()).append('\n');
        }
        return b.toString();
    }
}
