package dev.caravan.plot;

import java.util.List;

/**
 * What {@link Charts#bars(java.nio.file.Path, BarPlot)} draws: one group of bars per category,
 * one bar per series, on a named value axis, with caption lines under the chart. On a log axis
 * a value that is zero, negative or NaN has no bar; say so in the caption.
 *
 * @param title      chart title
 * @param y          value axis
 * @param categories one group of bars each
 * @param seriesNames legend entries, one per series: a case ("one CPU") or the quantity with its
 *                   unit ({@link Axis#legend()}), never a bare unit
 * @param values     per series, one value per category
 * @param caption    lines printed under the chart (may be empty)
 */
public record BarPlot(String title, Axis y, List<String> categories, List<String> seriesNames, List<double[]> values,
                      List<String> caption) {
    public BarPlot {
        categories = List.copyOf(categories);
        seriesNames = List.copyOf(seriesNames);
        values = values.stream().map(double[]::clone).toList();
        caption = List.copyOf(caption);
        if (seriesNames.size() != values.size()) {
            throw new IllegalArgumentException(title + ": " + seriesNames.size() + " series names for " + values.size() + " series");
        }
        for (int s = 0; s < values.size(); s++) {
            Legends.check(seriesNames.get(s), y);
            if (values.get(s).length != categories.size()) {
                throw new IllegalArgumentException(title + ": series " + seriesNames.get(s) + " has " + values.get(s).length
                        + " values for " + categories.size() + " categories");
            }
        }
    }
}
