package dev.caravan.core.mobility;

import dev.caravan.wire.ErrorCode;

import java.util.Map;

/**
 * A mobile agent's itinerary, read from its settings ({@code caravan agent launch --itinerary
 * n1,n2,n3 --home n0 --on-down skip|retry|home}): the nodes to visit in order, the node to bring
 * results home to, and what to do when the next node is down. It decides nothing on its own and
 * never suspends: the agent's own loop walks it, so the itinerary is an ordinary loop.
 * <pre>{@code
 * Itinerary it = Itinerary.from(ctx.process().config());
 * String found = "";
 * for (int hop = 0; hop < it.size() && !ctx.process().recalled(); hop++) {
 *     ctx.process().statusLine(AgentStatus.travelling(hop, it.size(), it.stop(hop)).line());
 *     MoveResult m = ctx.moveTo(it.stop(hop));
 *     ...                                   // on !m.moved(): it.afterFailedMove(attempt)
 *     found = found + search(ctx);          // work on local data
 * }
 * ctx.moveTo(it.home());
 * }</pre>
 * A record of strings and numbers, so it may be live at a suspension point (the continuation
 * format carries records of those).
 *
 * @param stops   the nodes to visit, comma-separated, in order (1..{@value #MAX_STOPS})
 * @param home    the node results are brought home to
 * @param onDown  {@code skip}, {@code retry} or {@code home}: what to do when a stop cannot be reached
 * @param retries with {@code retry}: attempts per stop before it is skipped (1..100)
 * @param retryMs with {@code retry}: milliseconds to wait between attempts (1..60000)
 */
public record Itinerary(String stops, String home, String onDown, int retries, long retryMs) {
    public static final String STOPS_KEY = "itinerary";
    public static final String HOME_KEY = "home";
    public static final String ON_DOWN_KEY = "on-down";
    public static final String RETRIES_KEY = "retries";
    public static final String RETRY_MS_KEY = "retry-ms";
    public static final int MAX_STOPS = 64;

    /** What an agent does when it cannot reach its next stop. */
    public enum OnDown {
        /** Go on to the stop after it. */
        SKIP,
        /** Wait {@link #retryMs} and try again, {@link #retries} times in all; then skip it. */
        RETRY,
        /** Give up the rest of the itinerary and come home. */
        HOME;

        /** Parses {@code skip}, {@code retry}, {@code home}. */
        public static OnDown parse(String s) {
            return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "skip" -> SKIP;
                case "retry" -> RETRY;
                case "home" -> HOME;
                default -> throw ErrorCode.INVALID_ARGUMENT.exception("on-down must be skip, retry or home, got '" + s + "'");
            };
        }

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT saying which setting is wrong */
    public Itinerary {
        String[] parts = stops.split(",", -1);
        if (stops.isBlank() || parts.length > MAX_STOPS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("an itinerary lists 1.." + MAX_STOPS + " nodes, comma-separated; got '"
                    + stops + "'");
        }
        for (String p : parts) {
            if (p.isBlank() || !p.equals(p.strip())) {
                throw ErrorCode.INVALID_ARGUMENT.exception("itinerary '" + stops + "' has an empty or padded node name");
            }
        }
        if (home.isBlank()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("an agent needs a home node (setting " + HOME_KEY + ")");
        }
        OnDown.parse(onDown);
        if (retries < 1 || retries > 100) {
            throw ErrorCode.INVALID_ARGUMENT.exception(RETRIES_KEY + " must be 1..100, got " + retries);
        }
        if (retryMs < 1 || retryMs > 60_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception(RETRY_MS_KEY + " must be 1..60000 ms, got " + retryMs);
        }
    }

    /**
     * The itinerary in an agent's settings: {@value #STOPS_KEY} and {@value #HOME_KEY} required,
     * {@value #ON_DOWN_KEY} (default skip), {@value #RETRIES_KEY} (default 3), {@value #RETRY_MS_KEY}
     * (default 500).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a missing or bad setting
     */
    public static Itinerary from(Map<String, String> config) {
        String stops = config.get(STOPS_KEY);
        if (stops == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("an agent needs an itinerary (setting " + STOPS_KEY + "=n1,n2,...)");
        }
        return new Itinerary(stops, config.getOrDefault(HOME_KEY, ""), config.getOrDefault(ON_DOWN_KEY, "skip"),
                number(config, RETRIES_KEY, 3), number(config, RETRY_MS_KEY, 500));
    }

    private static int number(Map<String, String> config, String key, int otherwise) {
        String v = config.get(key);
        try {
            return v == null ? otherwise : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(key + " must be a number, got '" + v + "'");
        }
    }

    /** How many stops. */
    public int size() {
        return stops.split(",", -1).length;
    }

    /** Stop {@code hop} (0-based). */
    public String stop(int hop) {
        String[] parts = stops.split(",", -1);
        if (hop < 0 || hop >= parts.length) {
            throw ErrorCode.INVALID_ARGUMENT.exception("hop " + hop + " is outside the itinerary " + stops);
        }
        return parts[hop];
    }

    public OnDown onDownPolicy() {
        return OnDown.parse(onDown);
    }

    /**
     * What to do after the {@code attempt}-th (1-based) failed move to a stop: {@link OnDown#RETRY}
     * (wait {@link #retryMs}, then try again) while attempts remain under the retry policy, else
     * {@link OnDown#SKIP} or {@link OnDown#HOME} as the policy says (retry ends in skip).
     */
    public OnDown afterFailedMove(int attempt) {
        OnDown policy = onDownPolicy();
        if (policy == OnDown.RETRY) {
            return attempt < retries ? OnDown.RETRY : OnDown.SKIP;
        }
        return policy;
    }
}
