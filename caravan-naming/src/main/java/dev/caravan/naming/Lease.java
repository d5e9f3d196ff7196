package dev.caravan.naming;

/**
 * A grant of liveness: entries registered under a lease live while the holder renews it at
 * least once every {@code ttlMs}. Like a ZooKeeper session, with entries as its ephemeral nodes.
 *
 * @param id    never 0; unique across restarts of a service with high probability
 * @param ttlMs silence longer than this removes the lease and its entries
 */
public record Lease(long id, long ttlMs) {
}
