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
        out.add("Why: at low load nearly every probed node is idle, so an overloaded sender's first probe finds a receiver, "
                + "while idle receivers probe mostly idle nodes and find no sender; at high load few nodes are idle, so a "
                + "sender's probes often fail and the many lightly loaded receivers' probes find the overloaded node. "
                + "With one overloaded node out of a few, as here, both find each other quickly, and the difference is "
                + "mostly who starts first (a pull waits for the idle node's period) and how many moves one decision makes.");
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
