package dev.caravan.switching.policy;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Power of two random choices (Mitzenmacher 2001; HAProxy {@code random(2)}): two distinct
 * candidates drawn at random, the less loaded ({@code (active + 1) / weight}) wins, a tie goes to
 * the first drawn. With n backends the busiest one carries {@code O(log log n)} more than the
 * average instead of {@code O(log n / log log n)} for one random choice, without the herding of
 * least connections when many switches share stale load figures.
 *
 * <p>Threading: with the default generator ({@link ThreadLocalRandom}) lock-free; an injected
 * generator (tests) is drawn from under its own monitor.
 */
final class PowerOfTwoPolicy implements Policy {
    private final RandomGenerator injected;

    /** @param random the generator to draw from; null for {@link ThreadLocalRandom} */
    PowerOfTwoPolicy(RandomGenerator random) {
        this.injected = random;
    }

    @Override
    public Candidate choose(List<? extends Candidate> candidates, DispatchKey key) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.getFirst();
        }
        int first;
        int second;
        if (injected == null) {
            RandomGenerator r = ThreadLocalRandom.current();
            first = r.nextInt(n);
            second = (first + 1 + r.nextInt(n - 1)) % n;
        } else {
            synchronized (injected) {
                first = injected.nextInt(n);
                second = (first + 1 + injected.nextInt(n - 1)) % n;
            }
        }
        Candidate a = candidates.get(first);
        Candidate b = candidates.get(second);
        return LeastConnectionsPolicy.lessLoaded(b, a) ? b : a;
    }
}
