package dev.caravan.plot;

import java.util.Arrays;

/**
 * One named line or bar series: {@code x[i]} against {@code y[i]}. Points flagged in
 * {@code hollow} are drawn with an open marker in the series' colour, as a separate legend entry
 * (e.g. values below the noise floor drawn at 0); the rest are filled markers joined by a line.
 *
 * @param name   legend label: the quantity or the case it shows ("2 processes"), never a bare unit
 * @param hollow per point, whether to draw it open; as long as {@code x}
 */
public record Series(String name, double[] x, double[] y, boolean[] hollow) {
    public Series {
        if (x.length != y.length || hollow.length != x.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values"
                    + " and " + hollow.length + " hollow flags");
        }
        x = x.clone();
        y = y.clone();
        hollow = hollow.clone();
    }

    /** A series with every point filled. */
    public Series(String name, double[] x, double[] y) {
        this(name, x, y, new boolean[x.length]);
    }

    /** Whether any point is hollow. */
    public boolean anyHollow() {
        for (boolean h : hollow) {
            if (h) {
                return true;
            }
        }
        return false;
    }

    /** The x or y values of the points whose hollow flag is {@code hollowOnes}. */
    double[] pick(double[] values, boolean hollowOnes) {
        return java.util.stream.IntStream.range(0, values.length).filter(i -> hollow[i] == hollowOnes)
                .mapToDouble(i -> values[i]).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Series s && name.equals(s.name) && Arrays.equals(x, s.x) && Arrays.equals(y, s.y)
                && Arrays.equals(hollow, s.hollow);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
        return "Series[" + name + ", x=" + Arrays.toString(x) + ", y=" + Arrays.toString(y) + "]";
    }
}
