package dev.caravan.cli.out;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A text table over the same rows a command prints with {@code --json}: each column reads one
 * field of a row ({@code Map<String, Object>} keyed by lowerCamel names) and its header is that
 * name in upper case with its words split ({@code dataEndpoint} → {@code DATA ENDPOINT}); a field
 * ending in a unit ({@code memoryBytes}, {@code totalMs}, {@code downtimeMicros}) drops the unit in
 * the header, because its cell shows a human unit while JSON keeps the number.
 *
 * <p>Layout: columns left-aligned, separated by at least two spaces (a header may hold single
 * spaces), the last column unpadded; a missing or empty cell shows {@code -}. Colour (see
 * {@link Style}) is added after padding, so escape codes never break the alignment.
 *
 * <p>Threading: build and print on one thread.
 */
public final class Table {
    private static final Pattern UNIT = Pattern.compile("(Bytes|Ms|Micros|Seconds)$");

    /** One column: the field it shows, its header, how its cell reads (from the whole row), whether it is a coloured state. */
    public record Column(String field, String header, Function<Map<String, Object>, String> format, boolean state) {
        /** A state column: coloured by {@link Style#state}. */
        public Column asState() {
            return new Column(field, header, format, true);
        }
    }

    private final List<Column> columns;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    private Table(List<Column> columns) {
        this.columns = List.copyOf(columns);
    }

    /** A table with these columns. */
    public static Table of(Column... columns) {
        return new Table(List.of(columns));
    }

    /** A column showing {@code field} as text. */
    public static Column col(String field) {
        return new Column(field, header(field), row -> row.get(field) == null ? "" : String.valueOf(row.get(field)), false);
    }

    /** A column showing {@code field} through {@code format} (for example {@code Sizes::human} on bytes). */
    public static <T> Column col(String field, Class<T> type, Function<T, String> format) {
        return new Column(field, header(field), row -> row.get(field) == null ? "" : format.apply(type.cast(row.get(field))), false);
    }

    /** A column showing {@code field} as computed from its whole row (for example "gone" for an address that does not answer). */
    public static Column colOfRow(String field, Function<Map<String, Object>, String> format) {
        return new Column(field, header(field), format, false);
    }

    /** The header of {@code field}: {@code memoryBytes} → {@code MEMORY}, {@code dataEndpoint} → {@code DATA ENDPOINT}. */
    public static String header(String field) {
        String bare = UNIT.matcher(field).replaceFirst("");
        return (bare.isEmpty() ? field : bare).replaceAll("([a-z0-9])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }

    /** The lowerCamel field a header names ({@code DATA ENDPOINT} → {@code dataEndpoint}); the inverse of {@link #header} up to the unit. */
    public static String field(String header) {
        String[] words = header.trim().toLowerCase(Locale.ROOT).split("[ _-]+");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return b.toString();
    }

    /** Adds a row; fields no column shows are ignored. */
    public Table row(Map<String, Object> row) {
        rows.add(row);
        return this;
    }

    /** Adds every row. */
    public Table rows(List<Map<String, Object>> all) {
        rows.addAll(all);
        return this;
    }

    /** Prints the header and the rows. */
    public void print(PrintStream out, Style style) {
        List<String[]> cells = new ArrayList<>();
        int[] widths = new int[columns.size()];
        String[] head = new String[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            head[c] = columns.get(c).header();
            widths[c] = head[c].length();
        }
        for (Map<String, Object> row : rows) {
            String[] line = new String[columns.size()];
            for (int c = 0; c < columns.size(); c++) {
                String text = columns.get(c).format().apply(row);
                line[c] = text == null || text.isEmpty() ? "-" : text;
                widths[c] = Math.max(widths[c], line[c].length());
            }
            cells.add(line);
        }
        out.println(render(head, widths, Style.plain()));
        for (String[] line : cells) {
            out.println(render(line, widths, style));
        }
    }

    private String render(String[] line, int[] widths, Style style) {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < line.length; c++) {
            String text = columns.get(c).state() ? style.state(line[c]) : line[c];
            b.append(text);
            if (c < line.length - 1) {
                b.append(" ".repeat(widths[c] - line[c].length() + 2));
            }
        }
        return b.toString();
    }
}
