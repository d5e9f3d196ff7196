package dev.caravan.switching.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consistent hashing with bounded load (Mirrokni, Thorup &amp; Zadimoghaddam 2018; HAProxy
 * {@code hash-type consistent} with {@code hash-balance-factor 125}): the key's home is the
 * owner of the first ring point clockwise of {@code hash(key)} ({@link HashRing}); if the home
 * already carries its share — {@code active ≥ ⌈1.25 × (Σactive + 1) × weight / Σweight⌉} — the
 * walk goes on round the ring to the next backend under its bound. A hot key therefore spills to
 * its ring neighbours instead of overloading one backend, while cold keys stay home. Some
 * backend is always under its bound (the bounds add up to more than the load), so the walk ends.
 *
 * <p>Key: {@link DispatchKey#hashKey()}; without one, round robin.
 *
 * <p>Threading: rings are immutable and cached per candidate-id list (a small bounded cache, as
 * the eligible list flickers when backends hit their connection limits); lock-free.
 */
final class ConsistentHashPolicy implements Policy {
    /** HAProxy's {@code hash-balance-factor}, in percent: no backend above 125% of the average. */
    static final int BALANCE_FACTOR_PERCENT = 125;
    private static final int MAX_CACHED_RINGS = 64;

    private final RoundRobinPolicy fallback = new RoundRobinPolicy();
    private final Map<List<String>, HashRing> rings = new ConcurrentHashMap<>();

    @Override
    public Candidate choose(List<? extends Candidate> candidates, DispatchKey key) {
        if (key.hashKey() == null) {
            return fallback.choose(candidates, key);
        }
        int n = candidates.size();
        long totalActive = 0;
        long totalWeight = 0;
        int[] active = new int[n];
        int[] weight = new int[n];
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get(i);
            active[i] = c.active();
            weight[i] = Math.max(1, c.weight());
            totalActive += active[i];
            totalWeight += weight[i];
        }
        HashRing ring = ring(candidates);
        int start = ring.firstPointAt(KeyHash.of(key.hashKey()));
        boolean[] tried = new boolean[n];
        int distinct = 0;
        for (int step = 0; step < ring.pointCount() && distinct < n; step++) {
            int b = ring.ownerOf(start + step);
            if (tried[b]) {
                continue;
            }
            tried[b] = true;
            distinct++;
            if (active[b] < bound(totalActive, weight[b], totalWeight)) {
                return candidates.get(b);
            }
        }
        return candidates.get(ring.ownerOf(start)); // unreachable: the bounds sum above the load
    }

    /** The most in flight a backend of this weight may already carry to take one more. */
    static long bound(long totalActive, long weight, long totalWeight) {
        long scaled = BALANCE_FACTOR_PERCENT * (totalActive + 1) * weight;
        long divisor = 100 * totalWeight;
        return (scaled + divisor - 1) / divisor;
    }

    private HashRing ring(List<? extends Candidate> candidates) {
        List<String> ids = new ArrayList<>(candidates.size());
        for (Candidate c : candidates) {
            ids.add(c.id());
        }
        HashRing ring = rings.get(ids);
        if (ring == null) {
            if (rings.size() >= MAX_CACHED_RINGS) {
                rings.clear();
            }
            ring = new HashRing(ids);
            rings.put(ring.ids(), ring);
        }
        return ring;
    }
}
