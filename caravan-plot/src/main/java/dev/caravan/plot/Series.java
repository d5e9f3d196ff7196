package dev.caravan.plot;

/**
 * One named line or bar series: {@code x[i]} against {@code y[i]}.
 *
 * @param name legend label
 */
public record Series(String name, double[] x, double[] y) {
    public Series {
        if (x.length != y.length) {
            throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
        }
        x = x.clone();
        y = y.clone();
    }
}
