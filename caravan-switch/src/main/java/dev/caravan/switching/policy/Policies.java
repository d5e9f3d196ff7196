package dev.caravan.switching.policy;

import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Creates the {@link Policy} for a {@link PolicyKind}. Each call returns a new instance with its
 * own state (round-robin turn, smooth weights): one per route.
 */
public final class Policies {
    private Policies() {
    }

    /** The policy of this kind; power of two draws from {@link java.util.concurrent.ThreadLocalRandom}. */
    public static Policy create(PolicyKind kind) {
        return create(kind, null);
    }

    /**
     * The policy of this kind, drawing random choices (power of two only) from {@code random}.
     *
     * @param random the generator for {@link PolicyKind#POWER_OF_TWO} (tests pass a seeded one); null for the default
     */
    public static Policy create(PolicyKind kind, RandomGenerator random) {
        Objects.requireNonNull(kind, "kind");
        return switch (kind) {
            case ROUND_ROBIN -> new RoundRobinPolicy();
            case WEIGHTED_ROUND_ROBIN -> new SmoothWeightedRoundRobinPolicy();
            case LEAST_CONNECTIONS -> new LeastConnectionsPolicy();
            case AFFINITY -> new AffinityPolicy();
            case CONSISTENT_HASH -> new ConsistentHashPolicy();
            case POWER_OF_TWO -> new PowerOfTwoPolicy(random);
        };
    }
}
