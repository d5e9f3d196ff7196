package dev.caravan.cli.out;

import java.util.Locale;
import java.util.Map;

/**
 * Colour for text output, following https://no-color.org: colour only when stdout is a terminal,
 * never with {@code --json}, never when {@code NO_COLOR} is set to anything non-empty. Only the
 * state column is coloured: green for a running process or node, yellow for one in transit,
 * red for one that failed or does not answer.
 *
 * <p>Threading: immutable.
 */
public final class Style {
    private static final String RESET = "\u001b[0m";
    private static final Map<String, String> STATE_COLOURS = Map.ofEntries(
            Map.entry("RUNNING", "\u001b[32m"), Map.entry("YES", "\u001b[32m"), Map.entry("READY", "\u001b[32m"),
            Map.entry("DRAINING", "\u001b[33m"), Map.entry("LOST", "\u001b[31m"),
            Map.entry("FROZEN", "\u001b[33m"), Map.entry("MIGRATING", "\u001b[33m"), Map.entry("BUSY", "\u001b[33m"),
            Map.entry("STARTING", "\u001b[33m"), Map.entry("STOPPING", "\u001b[33m"), Map.entry("CORDONED", "\u001b[33m"),
            Map.entry("FAILED", "\u001b[31m"), Map.entry("STUCK", "\u001b[31m"), Map.entry("UNREACHABLE", "\u001b[31m"));

    private static final Style PLAIN = new Style(false);

    private final boolean colour;

    private Style(boolean colour) {
        this.colour = colour;
    }

    /** No colour at all. */
    public static Style plain() {
        return PLAIN;
    }

    /** The style for this run: colour iff on a terminal, not {@code json}, and {@code NO_COLOR} unset or empty. */
    public static Style forOutput(boolean json) {
        return decide(json, System.console() != null && System.console().isTerminal(), System.getenv("NO_COLOR"));
    }

    /** The rule itself, for tests: {@code noColor} is the value of {@code NO_COLOR} (null when unset). */
    public static Style decide(boolean json, boolean terminal, String noColor) {
        return new Style(terminal && !json && (noColor == null || noColor.isEmpty()));
    }

    /** Whether this style emits escape codes. */
    public boolean coloured() {
        return colour;
    }

    /** {@code state} wrapped in its colour, or as is when plain or not a known state. */
    public String state(String state) {
        String c = colour ? STATE_COLOURS.get(state.toUpperCase(Locale.ROOT)) : null;
        return c == null ? state : c + state + RESET;
    }
}
