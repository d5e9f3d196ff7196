package dev.caravan.lab.balance;

import dev.caravan.lab.report.Table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The table of {@code caravan lab balance} and its verdict on the classic result (Eager, Lazowska
 * and Zahorjan 1986: sender-initiated balancing is better at low load, receiver-initiated at high
 * load), judged on two measures, each compared between push and pull at the same load:
 * <ul>
 *   <li><em>probes per migration</em> until converged (fewer is better; a run that moved nothing is
 *       worst; a difference under {@value #PROBES_TIE} is a tie);</li>
 *   <li><em>time to converge</em> (sooner is better; a run that did not converge is worst; a
 *       difference of at most {@value #TIME_TIE_MS} ms, the lab's sampling period, is a tie).</li>
 * </ul>
 */
public final class BalanceComparison {
    /** Probes per migration closer than this are a tie. */
    public static final double PROBES_TIE = 0.25;
    /** Times to converge this close (ms) are a tie: the lab samples the placement every 500 ms. */
    public static final long TIME_TIE_MS = 500;
    private static final String CLASSIC = "the classic result (sender-initiated better at low load, receiver-initiated at high load)";

    private BalanceComparison() {
    }

    public static Table table(List<BalanceRun> runs) {
        Table.Builder t = new Table.Builder("Sender- vs receiver-initiated balancing, from the low and the high start",
                "load", "mode", "runs", "start loads (nodes)", "migrations", "probes sent", "probes wasted", "probes/migration",
                "probes/s after", "converged (s)", "ping-pong", "max node load after", "p50 before (ms)", "p99 before (ms)",
                "p50 after (ms)", "p99 after (ms)", "client errors");
        for (BalanceRun r : runs) {
            t.row(r.level(), r.mode(), r.repeats(), startLoads(r), r.moves(), r.probesSent(), r.probesWasted(), fmt("%.1f", r.probesPerMove()),
                    fmt("%.1f", r.probesPerSecAfter()), converged(r), r.pingPongs(), fmt("%.2f", r.maxLoadAfter()),
                    fmt("%.2f", r.p50BeforeMs()), fmt("%.2f", r.p99BeforeMs()), fmt("%.2f", r.p50AfterMs()),
                    fmt("%.2f", r.p99AfterMs()), r.clientErrors());
        }
        return t.build();
    }

    /** Each node's starting load, in node order, separated by slashes. */
    public static String startLoads(BalanceRun r) {
        return r.startLoads().stream().map(l -> fmt("%.2f", l)).collect(Collectors.joining("/"));
    }

    private static String converged(BalanceRun r) {
        return r.convergence() == BalanceRun.Convergence.CONVERGED ? fmt("%.1f", r.convergeMs() / 1000.0) : r.convergence().label();
    }

    /** The better of push and pull at {@code level} by probes per migration: push, pull or tie; empty if either did not run. */
    public static Optional<String> byProbes(List<BalanceRun> runs, String level) {
        return compare(runs, level, r -> r.moves() == 0 ? Double.POSITIVE_INFINITY : r.probesPerMove(), PROBES_TIE);
    }

    /** The better of push and pull at {@code level} by time to converge: push, pull or tie; empty if either did not run. */
    public static Optional<String> byTime(List<BalanceRun> runs, String level) {
        return compare(runs, level, r -> switch (r.convergence()) {
            case CONVERGED -> (double) r.convergeMs();
            case NONE_NEEDED -> 0.0;
            case NOT_POSSIBLE, NOT_SETTLED -> Double.POSITIVE_INFINITY;
        }, TIME_TIE_MS);
    }

    private static Optional<String> compare(List<BalanceRun> runs, String level, java.util.function.ToDoubleFunction<BalanceRun> cost,
                                            double tie) {
        Optional<BalanceRun> push = find(runs, level, "push");
        Optional<BalanceRun> pull = find(runs, level, "pull");
        if (push.isEmpty() || pull.isEmpty()) {
            return Optional.empty();
        }
        double a = cost.applyAsDouble(push.get());
        double b = cost.applyAsDouble(pull.get());
        if (a == b || Math.abs(a - b) <= tie) {
            return Optional.of("tie");
        }
        return Optional.of(a < b ? "push" : "pull");
    }

    /** Lines saying whether the classic result holds in these runs, on each measure, and why. */
    public static List<String> verdict(List<BalanceRun> runs) {
        List<String> out = new ArrayList<>();
        Optional<String> lowProbes = byProbes(runs, "low");
        Optional<String> highProbes = byProbes(runs, "high");
        if (lowProbes.isEmpty() || highProbes.isEmpty()) {
            out.add("The classic comparison needs push and pull at both low and high load; this run did not have all four.");
            return out;
        }
        String lowTime = byTime(runs, "low").orElseThrow();
        String highTime = byTime(runs, "high").orElseThrow();
        BalanceRun lowPush = find(runs, "low", "push").orElseThrow();
        BalanceRun lowPull = find(runs, "low", "pull").orElseThrow();
        BalanceRun highPush = find(runs, "high", "push").orElseThrow();
        BalanceRun highPull = find(runs, "high", "pull").orElseThrow();
        out.add(fmt("Probes per migration: low load push %.1f, pull %.1f (%s); high load push %.1f, pull %.1f (%s).",
                lowPush.probesPerMove(), lowPull.probesPerMove(), better(lowProbes.get()), highPush.probesPerMove(),
                highPull.probesPerMove(), better(highProbes.get())));
        out.add("Time to converge: low load push " + converged(lowPush) + ", pull " + converged(lowPull) + " (" + better(lowTime)
                + "); high load push " + converged(highPush) + ", pull " + converged(highPull) + " (" + better(highTime) + ").");
        boolean onProbes = lowProbes.get().equals("push") && highProbes.get().equals("pull");
        boolean onTime = lowTime.equals("push") && highTime.equals("pull");
        out.add("On probes per migration " + CLASSIC + (onProbes ? " holds here" : " does not hold here") + "; on time to converge it "
                + (onTime ? "holds too." : "does not."));
        out.add(fmt("Why the probes differ: at low load one node is above the high threshold and every other node idle, so a "
                        + "sender's probe fails only on a node busy with a migration (%.0f %% of push probes wasted), while an idle "
                        + "node's probe finds the one sender only by chance (%.0f %% of pull probes wasted), and the idle nodes keep "
                        + "probing after it converged (%.1f probes/s). At high load all nodes but one are above the threshold: a "
                        + "sender's probe finds the idle node only by chance, else another loaded one (%.0f %% wasted), while the idle "
                        + "node's probe fails only on a node that already gave a process away or is moving one (%.0f %% wasted).",
                wastedPct(lowPush), wastedPct(lowPull), lowPull.probesPerSecAfter(), wastedPct(highPush), wastedPct(highPull)));
        if (!onTime) {
            out.add(timeExplanation(lowTime, highTime));
        }
        return out;
    }

    private static String timeExplanation(String lowTime, String highTime) {
        List<String> why = new ArrayList<>();
        if (!highTime.equals("pull")) {
            why.add("at high load the loaded nodes all push to the idle one in parallel, while the idle node pulls one process "
                    + "at a time (it asks, waits for the arrival, then measures for two periods), so push was " + (highTime.equals("tie")
                    ? "as fast" : "faster") + " despite its wasted probes");
        }
        if (!lowTime.equals("push")) {
            why.add("at low load the idle nodes all probe in parallel, so one of them finds the sender about as soon as the sender "
                    + "finds one of them, and the loaded node moves one process at a time either way");
        }
        return "Why time does not follow the probes: " + String.join("; ", why) + ". Here a probe is one small request answered from "
                + "the probed node's last measurement, not work taken from a busy node's CPU as in the 1986 model, so wasted "
                + "probes cost messages more than time.";
    }

    private static double wastedPct(BalanceRun r) {
        return r.probesSent() == 0 ? 0 : 100.0 * r.probesWasted() / r.probesSent();
    }

    private static String better(String winner) {
        return winner.equals("tie") ? "a tie" : winner + " better";
    }

    private static Optional<BalanceRun> find(List<BalanceRun> runs, String level, String mode) {
        return runs.stream().filter(r -> r.level().equals(level) && r.mode().equals(mode)).findFirst();
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }
}
