package dev.caravan.naming;

import java.util.List;

/**
 * A snapshot of one live lease as {@link LocalNamingService#leases()} sees it.
 *
 * @param id          the lease id
 * @param holder      who opened it (the client's hello name: {@code node/n1}, {@code switch/s1})
 * @param ttlMs       how long it survives without renewal
 * @param renewedAtMs when it was opened or last renewed, on the service's clock (epoch ms)
 * @param expiresAtMs when it expires unless renewed, on the same clock
 * @param names       the entries it holds, sorted
 */
public record LeaseInfo(long id, String holder, long ttlMs, long renewedAtMs, long expiresAtMs, List<String> names) {
    public LeaseInfo {
        names = List.copyOf(names);
    }
}
