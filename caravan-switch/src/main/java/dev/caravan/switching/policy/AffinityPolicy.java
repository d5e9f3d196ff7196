package dev.caravan.switching.policy;

import java.util.List;

/**
 * Session affinity by rendezvous (highest random weight) hashing, Thaler &amp; Ravishankar 1998:
 * the key goes to the candidate whose {@code hash(key, id)} is highest. The same key goes to the
 * same backend while that backend is eligible; when it leaves, only its keys re-home (each to its
 * second-best candidate) and everyone else stays; when one joins, it takes about
 * {@code 1/n} of the keys and nothing else moves.
 *
 * <p>Key: {@link DispatchKey#affinityKey()} (a cookie's value, a header, a RESP key), else the
 * client's address (HAProxy {@code balance source}); with neither, round robin. Weights are
 * deliberately ignored: a backend ramping up in slow start must not pull sessions off the others
 * as its weight grows.
 *
 * <p>Threading: stateless apart from the round-robin fallback; lock-free.
 */
final class AffinityPolicy implements Policy {
    private final RoundRobinPolicy fallback = new RoundRobinPolicy();

    @Override
    public Candidate choose(List<? extends Candidate> candidates, DispatchKey key) {
        String k = key.affinityKey() != null ? key.affinityKey()
                : key.client() != null ? key.client().getHostAddress() : null;
        if (k == null) {
            return fallback.choose(candidates, key);
        }
        long keyHash = KeyHash.of(k);
        Candidate best = null;
        long bestScore = 0;
        for (Candidate c : candidates) {
            long score = KeyHash.mix(keyHash ^ KeyHash.of(c.id()));
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = c;
                bestScore = score;
            }
        }
        return best;
    }
}
