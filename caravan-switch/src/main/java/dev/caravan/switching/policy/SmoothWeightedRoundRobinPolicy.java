package dev.caravan.switching.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Smooth weighted round robin, nginx's algorithm ({@code ngx_http_upstream_get_peer}): on each
 * pick every candidate's current weight grows by its weight, the largest wins and loses the
 * total. Over any run of {@code Σweight} picks each candidate gets exactly its weight, and the
 * picks are interleaved, never in bursts: weights {5, 1, 1} give {@code a a b a c a a}.
 *
 * <p>Current weights are kept per candidate id; a candidate that leaves the list loses its
 * state, one that joins starts at 0. Weights may change between calls (slow start).
 *
 * <p>Threading: one short critical section per pick (O(candidates)), never blocks otherwise.
 */
final class SmoothWeightedRoundRobinPolicy implements Policy {
    private final Map<String, long[]> currentById = new HashMap<>();

    @Override
    public synchronized Candidate choose(List<? extends Candidate> candidates, DispatchKey key) {
        if (currentById.size() > candidates.size()) {
            currentById.keySet().retainAll(candidates.stream().map(Candidate::id).toList());
        }
        Candidate best = null;
        long[] bestCurrent = null;
        long total = 0;
        for (Candidate c : candidates) {
            int weight = Math.max(1, c.weight());
            long[] current = currentById.computeIfAbsent(c.id(), id -> new long[1]);
            current[0] += weight;
            total += weight;
            if (bestCurrent == null || current[0] > bestCurrent[0]) {
                best = c;
                bestCurrent = current;
            }
        }
        bestCurrent[0] -= total;
        return best;
    }
}
