package dev.caravan.lab.balance;

import dev.caravan.lab.report.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The table of {@code caravan lab balance} and its verdict on the classic result (Eager, Lazowska
 * and Zahorjan 1986: sender-initiated balancing is better at low load, receiver-initiated at high
 * load). "Better" here is converging sooner (a run that does not converge is worst), ties broken by
 * the client's p99 latency after balancing.
 */
public final class BalanceComparison {
    private BalanceComparison() {
    }

    public static Table table(List<BalanceRun> runs) {
        Table.Builder t = new Table.Builder("Sender- vs receiver-initiated balancing, from all processes on one node",
                "load", "mode", "offered (nodes)", "migrations", "ping-pong", "converged (s)", "max node load after",
                "p50 before (ms)", "p99 before (ms)", "p50 after (ms)", "p99 after (ms)", "client errors");
        for (BalanceRun r : runs) {
            t.row(r.level(), r.mode(), fmt("%.2f", r.offeredLoad()), r.moves(), r.pingPongs(),
                    r.convergeMs() < 0 ? "no" : fmt("%.1f", r.convergeMs() / 1000.0), fmt("%.2f", r.maxLoadAfter()),
                    fmt("%.2f", r.p50BeforeMs()), fmt("%.2f", r.p99BeforeMs()), fmt("%.2f", r.p50AfterMs()),
                    fmt("%.2f", r.p99AfterMs()), r.clientErrors());
        }
        return t.build();
    }

    /** The better of push and pull at {@code level}, if both ran. */
    public static Optional<String> winner(List<BalanceRun> runs, String level) {
        Optional<BalanceRun> push = find(runs, level, "push");
        Optional<BalanceRun> pull = find(runs, level, "pull");
        if (push.isEmpty() || pull.isEmpty()) {
            return Optional.empty();
        }
        int c = Long.compare(key(push.get()), key(pull.get()));
        if (c == 0) {
            c = Double.compare(push.get().p99AfterMs(), pull.get().p99AfterMs());
        }
        return Optional.of(c <= 0 ? "push" : "pull");
    }

    /** Lines saying whether the classic result holds in these runs, and what decided it. */
    public static List<String> verdict(List<BalanceRun> runs) {
        List<String> out = new ArrayList<>();
        Optional<String> low = winner(runs, "low");
        Optional<String> high = winner(runs, "high");
        if (low.isEmpty() || high.isEmpty()) {
            out.add("The classic comparison needs push and pull at both low and high load; this run did not have all four.");
            return out;
        }
        out.add("At low load " + low.get() + " converged sooner; at high load " + high.get() + " did.");
        boolean holds = low.get().equals("push") && high.get().equals("pull");
        out.add(holds ? "The classic result (sender-initiated better at low load, receiver-initiated at high load) holds here."
                : "The classic result (sender-initiated better at low load, receiver-initiated at high load) does not hold here.");
        out.add("The classic reasoning: at low load most probed nodes are idle, so an overloaded sender's probe soon finds "
                + "a receiver while idle receivers' probes mostly find no sender; at high load few nodes are idle, so senders' "
                + "probes fail and receivers' probes find the overloaded nodes.");
        out.add("In this lab one node starts overloaded and all the others idle, at both levels: a probe of either kind "
                + "finds a partner almost at once, and what bounds both is the loaded node itself (one balancing migration "
                + "at a time, then two periods to measure the load it left). The differences in time to converge are of "
                + "the order of a period or two, within run-to-run noise on a shared machine; a single run does not "
                + "separate the policies the way many loaded nodes would.");
        return out;
    }

    private static long key(BalanceRun r) {
        return r.convergeMs() < 0 ? Long.MAX_VALUE : r.convergeMs();
    }

    private static Optional<BalanceRun> find(List<BalanceRun> runs, String level, String mode) {
        return runs.stream().filter(r -> r.level().equals(level) && r.mode().equals(mode)).findFirst();
    }

    private static String fmt(String f, double v) {
        return String.format(Locale.ROOT, f, v);
    }
}
