package dev.caravan.naming;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The endpoint table of the cluster: names mapped to where they can be reached, held by
 * leases. This is the one interface callers use; {@link LocalNamingService} keeps the table in
 * memory, {@link RemoteNamingService} reaches one over the wire, and a ZooKeeper-backed
 * implementation maps a {@link Lease} to a session and entries to ephemeral nodes.
 *
 * <p><b>Soft state.</b> An entry lives only while the lease that holds it is renewed. Silence
 * longer than the lease's TTL removes the lease and all its entries, with
 * {@link NamingEvent.Kind#REMOVED} events to watchers.
 *
 * <p><b>Fencing.</b> Every entry carries an ownership epoch. A write with an older epoch than
 * the one in force fails with {@link dev.caravan.wire.ErrorCode#STALE_EPOCH}, so a node that
 * lost a process to a migration can never overwrite or remove the new location.
 *
 * <p><b>Errors.</b> Every method reports failure as a
 * {@link dev.caravan.wire.CaravanException} whose code says what happened; implementations
 * that talk to a remote store add {@code UNAVAILABLE} and {@code TIMEOUT}.
 *
 * <p><b>Threading.</b> Implementations are thread-safe.
 */
public interface NamingService extends AutoCloseable {
    /**
     * Opens a lease.
     *
     * @param holder who holds it, for diagnostics (for example a node id)
     * @param ttlMs  how long the lease survives without renewal
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT when ttlMs is out of range
     */
    Lease openLease(String holder, long ttlMs);

    /**
     * Extends the lease by its TTL from now.
     *
     * @throws dev.caravan.wire.CaravanException LEASE_EXPIRED when the lease is gone
     */
    void renew(long leaseId);

    /** Removes the lease and every entry it holds (with REMOVED events). Idempotent. */
    void closeLease(long leaseId);

    /**
     * Creates or replaces {@code entry.name()} under the lease; the stored entry carries
     * {@code leaseId}. An existing entry under the same lease, or under another lease at a lower
     * epoch (a migration's commit), is replaced and moves to this lease. An entry that another
     * live lease holds at the same epoch is refused: two holders never claim one name at one
     * epoch (a second node started with the id of a running one is refused its {@code node/<id>};
     * of two operations that create an owner for a process at one epoch — deploy, clone, restore —
     * exactly one wins).
     *
     * @throws dev.caravan.wire.CaravanException LEASE_EXPIRED when the lease is gone,
     *                                           STALE_EPOCH when the existing entry has a higher epoch,
     *                                           ALREADY_EXISTS when another live lease holds it at the same epoch
     */
    void register(long leaseId, NamingEntry entry);

    /**
     * Removes {@code name} if its epoch is at most {@code epoch}. The lease must be live but
     * need not be the one holding the entry: the epoch is the fence.
     *
     * @throws dev.caravan.wire.CaravanException LEASE_EXPIRED, NOT_FOUND when absent,
     *                                           STALE_EPOCH when the entry's epoch is higher
     */
    void unregister(long leaseId, String name, long epoch);

    /** The entry called {@code name}, if any. */
    Optional<NamingEntry> lookup(String name);

    /** Every entry whose name starts with {@code prefix} (empty for all), sorted by name. */
    List<NamingEntry> list(String prefix);

    /**
     * Follows every change to entries whose name starts with {@code prefix}. Only changes
     * after the call are reported (use {@link #list} for the current state).
     *
     * <p><b>Threading contract:</b> the listener is called on a thread owned by the service,
     * never on the caller's thread, one call at a time and in the order of the changes for
     * this watch. It must not block and must not call back into the service synchronously:
     * hand work to another thread. An exception it throws is logged and the watch continues.
     * Implementations that reconnect may deliver an event more than once (see
     * {@link RemoteNamingService}); listeners should treat PUT and REMOVED as idempotent.
     */
    Watch watch(String prefix, Consumer<NamingEvent> listener);

    /** Releases the service's resources; later calls fail with UNAVAILABLE. Idempotent. */
    @Override
    void close();
}
