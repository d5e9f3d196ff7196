package dev.caravan.core.mobility;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a mobile agent is in its itinerary, as it publishes it in its status line
 * ({@link dev.caravan.core.process.ProcessContext#statusLine}) and {@code caravan agent list} reads
 * it back. The line's format, defined here once:
 * <pre>
 * line := state " hop " hop "/" hops [" " detail]      e.g. "working hop 2/3 on n2"
 * state := travelling | working | returning | home | done | failed
 * </pre>
 * {@code hop} counts stops reached or given up so far (0 before the first), {@code hops} the
 * stops in the itinerary.
 */
public record AgentStatus(State state, int hop, int hops, String detail) {
    /** The states of an agent's life. */
    public enum State {
        /** On its way to a stop. */
        TRAVELLING,
        /** At a stop, working on local data. */
        WORKING,
        /** On its way home (itinerary done, recalled, or a stop down with on-down=home). */
        RETURNING,
        /** Home with its results, waiting for its clones or to be asked for results. */
        HOME,
        /** Home, results complete: {@code caravan agent results} reads them. */
        DONE,
        /** It could not go on (it says why). */
        FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern LINE = Pattern.compile("(\\w+) hop (\\d+)/(\\d+)(?: (.*))?");

    public AgentStatus {
        detail = detail == null ? "" : detail;
    }

    public static AgentStatus of(State state, int hop, int hops, String detail) {
        return new AgentStatus(state, hop, hops, detail);
    }

    /** The status line. */
    public String line() {
        return state.label() + " hop " + hop + "/" + hops + (detail.isEmpty() ? "" : " " + detail);
    }

    /** Reads a status line back; empty when it is not an agent's (for one, an agent that has not published yet). */
    public static java.util.Optional<AgentStatus> parse(String line) {
        Matcher m = LINE.matcher(line == null ? "" : line);
        if (!m.matches()) {
            return java.util.Optional.empty();
        }
        try {
            State s = State.valueOf(m.group(1).toUpperCase(Locale.ROOT));
            return java.util.Optional.of(new AgentStatus(s, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(4)));
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
    }
}
