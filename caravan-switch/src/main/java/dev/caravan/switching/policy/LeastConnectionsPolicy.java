package dev.caravan.switching.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Least connections, weighted like HAProxy's {@code leastconn}: the candidate with the smallest
 * {@code (active + 1) / weight} wins, so with equal weights the one with fewest in flight, and a
 * backend in slow start (a smaller weight) is given less. Ties are broken round robin: the scan
 * starts one place further on each pick, so equally idle backends are used in turn.
 *
 * <p>Threading: lock-free.
 */
final class LeastConnectionsPolicy implements Policy {
    private final AtomicLong start = new AtomicLong();

    @Override
    public Candidate choose(List<? extends Candidate> candidates, DispatchKey key) {
        int n = candidates.size();
        int first = (int) Math.floorMod(start.getAndIncrement(), (long) n);
        Candidate best = null;
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get((first + i) % n);
            if (best == null || lessLoaded(c, best)) {
                best = c;
            }
        }
        return best;
    }

    /** {@code (a.active+1)/a.weight < (b.active+1)/b.weight}, without division. */
    static boolean lessLoaded(Candidate a, Candidate b) {
        return (a.active() + 1L) * Math.max(1, b.weight()) < (b.active() + 1L) * Math.max(1, a.weight());
    }
}
