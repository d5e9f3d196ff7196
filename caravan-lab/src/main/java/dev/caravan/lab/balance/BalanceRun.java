package dev.caravan.lab.balance;

/**
 * One run of {@code caravan lab balance}: a balancing mode at one load level, from everything on one node.
 *
 * @param mode          push, pull or both
 * @param level         low or high
 * @param offeredLoad   the processes' total load in nodes (1.0 = one full node)
 * @param moves         migrations seen
 * @param pingPongs     moves of a process back to the node it left within the cooldown
 * @param convergeMs    balancing on to the last move, when nothing moved in the run's last window after it; -1 if it did not settle
 * @param maxLoadAfter  the highest node load over the last window of the run
 * @param p50BeforeMs   client latency median with everything on one node, balancing off
 * @param p99BeforeMs   its 99th percentile
 * @param p50AfterMs    client latency median over the last window of the run
 * @param p99AfterMs    its 99th percentile
 * @param clientErrors  failed client requests or connections during the run
 * @param pngFile       the load-over-time plot's file name
 */
public record BalanceRun(String mode, String level, double offeredLoad, int moves, int pingPongs, long convergeMs,
                         double maxLoadAfter, double p50BeforeMs, double p99BeforeMs, double p50AfterMs, double p99AfterMs,
                         long clientErrors, String pngFile) {
}
