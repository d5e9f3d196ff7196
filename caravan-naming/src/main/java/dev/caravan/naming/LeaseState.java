package dev.caravan.naming;

import java.util.Set;
import java.util.TreeSet;

/** A live lease inside {@link LocalNamingService}; guarded by the service's lock. */
final class LeaseState {
    final long id;
    final String holder;
    final long ttlMs;
    long expiresAtMs;
    /** When it was opened or last renewed. */
    long renewedAtMs;
    /** Sorted, so that expiry removes entries (and fires events) in a repeatable order. */
    final Set<String> names = new TreeSet<>();

    LeaseState(long id, String holder, long ttlMs, long nowMs) {
        this.id = id;
        this.holder = holder;
        this.ttlMs = ttlMs;
        this.expiresAtMs = nowMs + ttlMs;
        this.renewedAtMs = nowMs;
    }

    boolean expiredAt(long nowMs) {
        return nowMs >= expiresAtMs;
    }
}
