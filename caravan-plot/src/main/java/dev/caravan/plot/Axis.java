package dev.caravan.plot;

/**
 * What an axis shows: a quantity, its unit and its scale. The label drawn is
 * {@code "quantity (unit)"}, with {@code ", log scale"} appended on a logarithmic axis, so no axis
 * is a bare unit ("µs") or a bare name ("ticks").
 *
 * @param quantity what is measured, e.g. {@code "context switch cost"}; not blank, not the unit
 * @param unit     its unit, e.g. {@code "µs"}, or a counted thing such as {@code "tasks"}; not blank
 * @param scale    linear, logarithmic, or chosen from the data
 */
public record Axis(String quantity, String unit, Scale scale) {
    public Axis {
        if (quantity == null || quantity.isBlank() || unit == null || unit.isBlank()) {
            throw new IllegalArgumentException("an axis names its quantity and unit: '" + quantity + "' in '" + unit + "'");
        }
        if (quantity.strip().equals(unit.strip())) {
            throw new IllegalArgumentException("axis quantity '" + quantity + "' is only its unit; name what is measured");
        }
    }

    public static Axis linear(String quantity, String unit) {
        return new Axis(quantity, unit, Scale.LINEAR);
    }

    public static Axis log(String quantity, String unit) {
        return new Axis(quantity, unit, Scale.LOG);
    }

    public static Axis auto(String quantity, String unit) {
        return new Axis(quantity, unit, Scale.AUTO);
    }

    /** The axis title for a resolved scale. */
    public String label(boolean log) {
        return quantity + " (" + unit + (log ? ", log scale" : "") + ")";
    }

    /** The legend entry for a series that is the axis's quantity itself: {@code "quantity (unit)"}. */
    public String legend() {
        return quantity + " (" + unit + ")";
    }
}
