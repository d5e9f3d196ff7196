package dev.caravan.lab.report;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of results as shown to the user: every cell already formatted. Immutable.
 *
 * @param title   caption
 * @param columns column headers
 * @param rows    rows, each as long as {@code columns}
 */
public record Table(String title, List<String> columns, List<List<String>> rows) {
    public Table {
        columns = List.copyOf(columns);
        rows = rows.stream().map(List::copyOf).toList();
        for (List<String> r : rows) {
            if (r.size() != columns.size()) {
                throw new IllegalArgumentException(title + ": row " + r + " has " + r.size() + " cells, want " + columns.size());
            }
        }
    }

    /** A fixed-width text rendering for the terminal. */
    public String render() {
        int[] width = new int[columns.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = columns.get(c).length();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        StringBuilder sb = new StringBuilder(title).append('\n');
        appendRow(sb, columns, width);
        List<String> rule = new ArrayList<>();
        for (int w : width) {
            rule.add("-".repeat(w));
        }
        appendRow(sb, rule, width);
        for (List<String> r : rows) {
            appendRow(sb, r, width);
        }
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
        for (int c = 0; c < cells.size(); c++) {
            String cell = cells.get(c);
            sb.append(c == 0 ? "  " : "  ");
            if (c == 0) {
                sb.append(cell).append(" ".repeat(width[c] - cell.length()));
            } else {
                sb.append(" ".repeat(width[c] - cell.length())).append(cell);
            }
        }
        sb.append('\n');
    }

    /** Builds a table row by row. Not thread-safe. */
    public static final class Builder {
        private final String title;
        private final List<String> columns;
        private final List<List<String>> rows = new ArrayList<>();

        public Builder(String title, String... columns) {
            this.title = title;
            this.columns = List.of(columns);
        }

        /** Adds a row; numbers are formatted with {@link Fmt#num}. */
        public Builder row(Object... cells) {
            List<String> r = new ArrayList<>();
            for (Object c : cells) {
                r.add(c instanceof Double d ? Fmt.num(d) : String.valueOf(c));
            }
            rows.add(r);
            return this;
        }

        public Table build() {
            return new Table(title, columns, rows);
        }
    }
}
