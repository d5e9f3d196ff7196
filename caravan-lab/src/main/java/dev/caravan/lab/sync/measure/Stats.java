package dev.caravan.lab.sync.measure;

import java.util.List;

/**
 * The figures reported per solution (and per role): throughput, fairness and starvation.
 *
 * @param ops             operations completed by the role's threads
 * @param perSecond       throughput
 * @param meanWaitNs      mean wait to enter
 * @param p99WaitNs       99th percentile wait
 * @param maxWaitNs       longest wait
 * @param minThreadOps    fewest operations of one thread (fairness between threads)
 * @param maxThreadOps    most operations of one thread
 * @param starvedThreads  threads that completed less than a tenth of the role's mean per thread
 * @param longWaits       waits longer than the starvation threshold
 */
public record Stats(long ops, double perSecond, double meanWaitNs, double p99WaitNs, double maxWaitNs, long minThreadOps,
                    long maxThreadOps, int starvedThreads, long longWaits) {

    /** Statistics of the threads of {@code role} (null: all threads). */
    public static Stats of(List<LoadRun.ThreadResult> results, String role, long durationNs, long starveThresholdNs) {
        WaitHistogram all = new WaitHistogram();
        long ops = 0;
        long min = Long.MAX_VALUE;
        long max = 0;
        int threads = 0;
        for (LoadRun.ThreadResult r : results) {
            if (role == null || r.role().equals(role)) {
                all.add(r.waits());
                ops += r.ops();
                min = Math.min(min, r.ops());
                max = Math.max(max, r.ops());
                threads++;
            }
        }
        int starved = 0;
        for (LoadRun.ThreadResult r : results) {
            if ((role == null || r.role().equals(role)) && r.ops() * 10L * threads < ops) {
                starved++;
            }
        }
        return new Stats(ops, ops / (durationNs / 1e9), all.meanNs(), all.quantileNs(0.99), all.maxNs(),
                threads == 0 ? 0 : min, max, starved, all.countAbove(starveThresholdNs));
    }
}
