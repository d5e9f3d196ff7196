package dev.caravan.switching.policy;

import dev.caravan.wire.ErrorCode;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The dispatch policies a front end (or one of its routes) can use; CLI and config names in {@link #cliName()}. */
public enum PolicyKind {
    ROUND_ROBIN("round-robin"),
    WEIGHTED_ROUND_ROBIN("weighted-round-robin"),
    LEAST_CONNECTIONS("least-connections"),
    /** Session affinity: the same client address, cookie value or RESP key goes to the same backend while it is eligible. */
    AFFINITY("affinity"),
    /** Consistent hashing on a key with bounded load (Mirrokni, Thorup, Zadimoghaddam 2018; HAProxy's hash-balance-factor). */
    CONSISTENT_HASH("consistent-hash"),
    /** Power of two random choices (Mitzenmacher 2001): two random candidates, the less loaded wins. */
    POWER_OF_TWO("power-of-two");

    private final String cliName;

    PolicyKind(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /**
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the accepted policies
     */
    public static PolicyKind parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        for (PolicyKind k : values()) {
            if (k.cliName.equals(t) || k.name().toLowerCase(Locale.ROOT).equals(t)) {
                return k;
            }
        }
        throw ErrorCode.INVALID_ARGUMENT.exception("unknown policy '" + text + "'; policies: "
                + Arrays.stream(values()).map(PolicyKind::cliName).collect(Collectors.joining(", ")));
    }
}
