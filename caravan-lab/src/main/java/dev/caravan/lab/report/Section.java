package dev.caravan.lab.report;

import java.util.List;

/**
 * One experiment's part of a lab result: what was measured, how to read it, its tables and plots.
 *
 * @param title   heading
 * @param text    explanation (plain text, paragraphs separated by blank lines)
 * @param tables  result tables
 * @param figures plots
 */
public record Section(String title, String text, List<Table> tables, List<Figure> figures) {
    public Section {
        tables = List.copyOf(tables);
        figures = List.copyOf(figures);
    }
}
