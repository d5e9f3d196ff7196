package dev.caravan.switching.policy;

import java.util.List;

/**
 * Picks one backend among eligible candidates (healthy, enabled, not draining, under their
 * connection limit — the caller filters). HAProxy's balance algorithms are the reference
 * ({@code roundrobin}, {@code leastconn}, {@code source}, {@code hash-type consistent} with
 * {@code hash-balance-factor}, {@code random(2)}).
 *
 * <p>Threading: implementations are thread-safe; {@link #choose} is called concurrently from
 * the data plane's threads and must not block.
 */
public interface Policy {
    /**
     * @param candidates eligible backends, in a stable order (sorted by id); never empty
     * @param key        what the request or connection carries
     * @return one of {@code candidates}
     */
    Candidate choose(List<? extends Candidate> candidates, DispatchKey key);
}
