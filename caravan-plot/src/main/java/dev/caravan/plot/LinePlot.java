package dev.caravan.plot;

import java.util.List;

/**
 * What {@link Charts#line(java.nio.file.Path, LinePlot)} draws: points joined by lines on two
 * named axes, shaded x ranges behind them, and caption lines under the chart (run parameters,
 * machine, notes such as what the open markers mean).
 *
 * @param title       chart title
 * @param x           horizontal axis
 * @param y           vertical axis
 * @param series      the data; each legend entry names a case or the quantity, never a bare unit
 * @param markers     shaded x ranges
 * @param hollowLabel appended to a series' name for the legend entry of its hollow points, e.g.
 *                    {@code "below noise, drawn at 0"}; unused when no point is hollow
 * @param caption     lines printed under the chart, in order (may be empty)
 */
public record LinePlot(String title, Axis x, Axis y, List<Series> series, List<Marker> markers, String hollowLabel,
                       List<String> caption) {
    public LinePlot {
        series = List.copyOf(series);
        markers = List.copyOf(markers);
        caption = List.copyOf(caption);
        for (Series s : series) {
            Legends.check(s.name(), y);
        }
        if (series.stream().anyMatch(Series::anyHollow) && (hollowLabel == null || hollowLabel.isBlank())) {
            throw new IllegalArgumentException(title + ": hollow points need a legend saying what they mean");
        }
    }
}
