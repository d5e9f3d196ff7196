package dev.caravan.lab.report;

/**
 * A cost computed as a difference of two noisy timings, with its noise floor: how far the same
 * difference moves between repeated runs of the baseline. A cost at or under its noise floor,
 * negative ones included, was not measured: it is shown as {@code "below noise (±x µs)"}, never
 * as a (negative) number. Immutable.
 *
 * @param value the difference, in the caller's unit
 * @param noise the noise floor in the same unit, ≥ 0
 */
public record Estimate(double value, double noise) {
    public Estimate {
        if (!(noise >= 0)) {
            throw new IllegalArgumentException("noise floor must be >= 0: " + noise);
        }
    }

    /** Whether the value cannot be told apart from noise (it is at most the noise floor). */
    public boolean belowNoise() {
        return Double.isNaN(value) || value <= noise;
    }

    /** The value to plot: 0 when below noise (drawn with an open marker), else the value. */
    public double plotted() {
        return belowNoise() ? 0 : value;
    }

    /** {@code "78.1 ± 3.20"}, or {@code "below noise (±3.20 µs)"}. */
    public String format(String unit) {
        return belowNoise() ? "below noise (±" + Fmt.num(noise) + " " + unit + ")" : Fmt.num(value) + " ± " + Fmt.num(noise);
    }

    /** Half the spread (max − min) of repeated runs: the noise floor of one of them. 0 for fewer than two. */
    public static double halfRange(double... runs) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (double r : runs) {
            if (!Double.isNaN(r)) {
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
                n++;
            }
        }
        return n < 2 ? 0 : (hi - lo) / 2;
    }
}
