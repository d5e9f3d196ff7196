package dev.caravan.plot;

/**
 * The drawn range of an axis: the data's range plus headroom on both sides, so that no point (nor
 * its marker) sits on a limit where it would be cut in half. On a linear axis the headroom is
 * {@link #HEADROOM} of the span on each side; on a log axis it is {@link #HEADROOM} of the span in
 * decades (at least a tenth of a decade). Immutable.
 *
 * @param min lowest value drawn
 * @param max highest value drawn
 * @param log whether the axis is logarithmic
 */
public record AxisRange(double min, double max, boolean log) {
    /** Decades of positive values above which {@link Scale#AUTO} picks a log axis. */
    public static final double DECADES_FOR_LOG = 2;
    /** Fraction of the data's span added beyond each end. */
    public static final double HEADROOM = 0.08;

    public AxisRange {
        if (!(min < max) || log && !(min > 0)) {
            throw new IllegalArgumentException("bad axis range " + min + " .. " + max + (log ? " (log)" : ""));
        }
    }

    /**
     * The range for {@code values} (NaN ignored; on a log axis non-positive values are ignored as
     * they cannot be drawn). With no drawable value: 0..1, or 1..10 on a log axis.
     *
     * @param fromZero whether the range must include 0 (bars grow from it); ignored on a log axis
     */
    public static AxisRange fit(boolean log, boolean fromZero, double[]... values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] vs : values) {
            for (double v : vs) {
                if (!Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            return log ? new AxisRange(1, 10, true) : new AxisRange(0, 1, false);
        }
        if (log) {
            double decades = Math.log10(hi) - Math.log10(lo);
            double pad = Math.max(0.1, HEADROOM * decades);
            return new AxisRange(lo / Math.pow(10, pad), hi * Math.pow(10, pad), true);
        }
        if (fromZero) {
            lo = Math.min(lo, 0);
            hi = Math.max(hi, 0);
        }
        double span = hi - lo;
        double pad = span > 0 ? HEADROOM * span : Math.max(Math.abs(hi) * HEADROOM, 1);
        double min = fromZero && lo == 0 ? 0 : lo - pad;
        double max = fromZero && hi == 0 ? 0 : hi + pad;
        return new AxisRange(min, max, false);
    }

    /** Whether {@code scale} resolves to a log axis for these values. */
    public static boolean isLog(Scale scale, double[]... values) {
        return switch (scale) {
            case LINEAR -> false;
            case LOG -> true;
            case AUTO -> spansDecades(values) > DECADES_FOR_LOG;
        };
    }

    /** Decades between the smallest and largest positive value (zero, negative and NaN values ignored). */
    public static double spansDecades(double[]... values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (double[] vs : values) {
            for (double v : vs) {
                if (Double.isNaN(v) || v <= 0) {
                    continue;
                }
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return hi > 0 ? Math.log10(hi / lo) : 0;
    }

    /** Whether {@code v} lies strictly inside the range (not on a limit). */
    public boolean contains(double v) {
        return v > min && v < max;
    }
}
