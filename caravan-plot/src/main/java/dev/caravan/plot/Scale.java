package dev.caravan.plot;

/** How an axis maps values to distance. */
public enum Scale {
    /** Equal distances for equal differences. */
    LINEAR,
    /** Equal distances for equal ratios (base 10); only positive values can be drawn. */
    LOG,
    /**
     * {@link #LOG} when the positive values drawn on the axis span more than
     * {@link AxisRange#DECADES_FOR_LOG} decades, else {@link #LINEAR}. Bars that are zero are then
     * left out; a line chart with a zero or negative point stays linear, as the point would vanish.
     */
    AUTO
}
