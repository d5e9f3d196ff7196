package dev.caravan.lab.balance;

import java.util.List;

/**
 * One row of {@code caravan lab balance}: a balancing mode at one load level, from that level's
 * starting placement, over {@code repeats} runs (counts summed over them, times averaged).
 *
 * @param mode            push, pull or both
 * @param level           low or high
 * @param repeats         runs added up in this row
 * @param startLoads      each node's measured load (fraction of a node) over the window before balancing was turned on,
 *                        in node order (averaged over the runs)
 * @param moves           migrations seen
 * @param pingPongs       moves of a process back to the node it left within the cooldown
 * @param convergence     how the run ended
 * @param convergeMs      balancing on to the last move (averaged), when {@code convergence} is
 *                        {@link Convergence#CONVERGED} (every run converged); else -1
 * @param probesSent      BALANCE_PROBEs all balancers sent from balancing on until it converged (or the run ended)
 * @param probesWasted    of those, the probes that found no partner
 * @param probesPerSecAfter probes per second all balancers still sent after it converged (averaged; NaN when none did)
 * @param maxLoadAfter    the highest node load over the last window of the run
 * @param p50BeforeMs     client latency median at the starting placement, balancing off
 * @param p99BeforeMs     its 99th percentile
 * @param p50AfterMs      client latency median over the last window of the run
 * @param p99AfterMs      its 99th percentile
 * @param clientErrors    failed client requests or connections during the run
 * @param pngFile         the load-over-time plot's file name
 */
public record BalanceRun(String mode, String level, int repeats, List<Double> startLoads, int moves, int pingPongs,
                         Convergence convergence, long convergeMs, long probesSent, long probesWasted, double probesPerSecAfter,
                         double maxLoadAfter, double p50BeforeMs, double p99BeforeMs, double p50AfterMs, double p99AfterMs,
                         long clientErrors, String pngFile) {
    public BalanceRun {
        startLoads = List.copyOf(startLoads);
    }

    /** How a run ended. */
    public enum Convergence {
        /**
         * Some node was above the high threshold; the moves brought every node under it (by the load the
         * processes offer, which the measured rate follows with some jitter) and then stopped.
         */
        CONVERGED("converged"),
        /** No node was above the high threshold when balancing was turned on. */
        NONE_NEEDED("no convergence needed"),
        /** The offered load exceeds every node's high threshold together: some node must stay above it. */
        NOT_POSSIBLE("no convergence possible"),
        /** Still moving, or some node still above the high threshold, when the run's time was up. */
        NOT_SETTLED("did not converge");

        private final String label;

        Convergence(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Probes sent per migration, NaN when nothing moved. */
    public double probesPerMove() {
        return moves == 0 ? Double.NaN : (double) probesSent / moves;
    }

    /** The offered load in nodes: the starting loads summed. */
    public double offeredLoad() {
        return startLoads.stream().mapToDouble(Double::doubleValue).sum();
    }
}
