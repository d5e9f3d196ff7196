package dev.caravan.plot;

/**
 * A shaded x-range drawn behind a line chart, e.g. "migration" or "downtime".
 *
 * @param label legend label
 * @param fromX start of the range (x units)
 * @param toX   end of the range
 */
public record Marker(String label, double fromX, double toX) {
}
