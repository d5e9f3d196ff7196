package dev.caravan.lab.sync.measure;

/**
 * A log-linear histogram of wait times in nanoseconds (16 sub-buckets per power of two, so a
 * percentile is exact to within 1/16) with the exact maximum. Not thread-safe: one per thread,
 * merged after the run.
 */
public final class WaitHistogram {
    private static final int SUB = 16;
    private final long[] counts = new long[64 * SUB];
    private long total;
    private long max;
    private long sum;

    public void record(long ns) {
        long v = Math.max(0, ns);
        counts[index(v)]++;
        total++;
        sum += v;
        max = Math.max(max, v);
    }

    public void add(WaitHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    public long maxNs() {
        return max;
    }

    public double meanNs() {
        return total == 0 ? Double.NaN : (double) sum / total;
    }

    /** The number of waits longer than {@code ns} (to within a bucket). */
    public long countAbove(long ns) {
        long n = 0;
        for (int i = index(ns) + 1; i < counts.length; i++) {
            n += counts[i];
        }
        return n;
    }

    /** The {@code q}-quantile (0..1) as the upper bound of its bucket, capped at the maximum. */
    public double quantileNs(double q) {
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upper(i), max);
            }
        }
        return max;
    }

    private static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (exp - 4)) & (SUB - 1));
        return (exp - 3) * SUB + sub;
    }

    private static long upper(int index) {
        if (index < SUB) {
            return index;
        }
        int exp = index / SUB + 3;
        int sub = index % SUB;
        return ((long) (SUB + sub + 1) << (exp - 4)) - 1;
    }
}
