package dev.caravan.cli.bench.switching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One figure over the rounds of a run: every round's value, their median and their range
 * (min–max), with its unit. NaN values (a round that measured nothing) are kept in
 * {@link #values} but ignored by the statistics. Immutable.
 *
 * @param unit as printed and written to JSON ({@code req/s}, {@code ms}, {@code ×})
 */
public record Spread(List<Double> values, String unit) {
    public Spread {
        values = List.copyOf(values);
    }

    private List<Double> finite() {
        List<Double> v = new ArrayList<>();
        for (double d : values) {
            if (!Double.isNaN(d) && !Double.isInfinite(d)) {
                v.add(d);
            }
        }
        v.sort(Double::compare);
        return v;
    }

    public boolean isEmpty() {
        return finite().isEmpty();
    }

    /** The median (mean of the two middle values for an even count); NaN when empty. */
    public double median() {
        List<Double> v = finite();
        if (v.isEmpty()) {
            return Double.NaN;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    public double min() {
        List<Double> v = finite();
        return v.isEmpty() ? Double.NaN : v.getFirst();
    }

    public double max() {
        List<Double> v = finite();
        return v.isEmpty() ? Double.NaN : v.getLast();
    }

    /** "median (min–max)" with {@code decimals}, or "-" when empty. */
    public String render(int decimals) {
        if (isEmpty()) {
            return "-";
        }
        String f = "%." + decimals + "f";
        String m = String.format(Locale.ROOT, f, median());
        return values.size() == 1 ? m : m + String.format(Locale.ROOT, " (" + f + "–" + f + ")", min(), max());
    }

    /** {@code {"unit", "median", "min", "max", "rounds": [...]}} (NaN as null). */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("unit", unit);
        m.put("median", orNull(median()));
        m.put("min", orNull(min()));
        m.put("max", orNull(max()));
        m.put("rounds", values.stream().map(Spread::orNull).toList());
        return m;
    }

    static Double orNull(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? null : v;
    }
}
