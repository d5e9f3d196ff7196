package dev.caravan.switching.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plain round robin (HAProxy {@code static-rr} with equal weights): the candidates in turn,
 * ignoring weights and load. Also the fallback of the key-based policies when a dispatch
 * carries no key.
 *
 * <p>Threading: lock-free; concurrent callers each get the next turn.
 */
final class RoundRobinPolicy implements Policy {
    private final AtomicLong turn = new AtomicLong();

    @Override
    public Candidate choose(List<? extends Candidate> candidates, DispatchKey key) {
        return candidates.get((int) Math.floorMod(turn.getAndIncrement(), (long) candidates.size()));
    }
}
