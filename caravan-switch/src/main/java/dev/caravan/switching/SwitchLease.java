package dev.caravan.switching;

import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

/**
 * The switch's naming lease: renewed by {@link #onTick}; when naming says it expired (the switch
 * was cut off longer than its term), the old one is closed, a new one opened and the switch's entries
 * registered again through {@code reregister} — retried on every tick until it succeeds, since a name
 * can still be held by the expired lease for the rest of its term (a ZooKeeper server restarted from its
 * data restores the old session until it times out).
 *
 * <p>Threading: {@link #onTick} runs on the switch's task thread; {@link #leaseId} may be read anywhere.
 */
final class SwitchLease implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SwitchLease.class.getName());

    private final NamingService naming;
    private final String holder;
    private final long ttlMs;
    private final java.util.function.LongConsumer reregister;
    private volatile long leaseId;
    /** Whether the entries are registered under {@link #leaseId}; false from a new lease until its re-registration succeeds. Task thread only. */
    private boolean registered = true;

    SwitchLease(NamingService naming, String holder, long ttlMs, java.util.function.LongConsumer reregister) {
        this.naming = naming;
        this.holder = holder;
        this.ttlMs = ttlMs;
        this.reregister = reregister;
        this.leaseId = naming.openLease(holder, ttlMs).id();
    }

    long leaseId() {
        return leaseId;
    }

    void onTick() {
        try {
            renewOrReopen();
        } catch (RuntimeException e) {
            // Never let the periodic task die: an exception here would cancel every later renewal.
            LOG.log(System.Logger.Level.WARNING, holder + ": naming lease upkeep failed: " + e);
        }
    }

    private void renewOrReopen() {
        try {
            naming.renew(leaseId);
        } catch (CaravanException e) {
            if (e.code() != ErrorCode.LEASE_EXPIRED) {
                LOG.log(System.Logger.Level.INFO, holder + ": naming lease renewal failed: " + e.getMessage());
                return;
            }
            long stale = leaseId;
            try {
                // Its entries may still be held (naming can keep an expired holder's session for the rest of its term,
                // ZooKeeper restores sessions after a restart): close it, so they can be registered again at once.
                naming.closeLease(stale);
            } catch (CaravanException closing) {
                LOG.log(System.Logger.Level.DEBUG, holder + ": closing the expired lease " + stale + " failed: " + closing.getMessage());
            }
            try {
                leaseId = naming.openLease(holder, ttlMs).id();
                registered = false;
                LOG.log(System.Logger.Level.WARNING, holder + ": naming lease had expired; opened lease " + leaseId);
            } catch (CaravanException again) {
                LOG.log(System.Logger.Level.INFO, holder + ": cannot open a new naming lease yet: " + again.getMessage());
                return;
            }
        }
        if (!registered) {
            // Until every entry is back (another holder of one of them may still be live), try again on every tick.
            try {
                reregister.accept(leaseId);
                registered = true;
                LOG.log(System.Logger.Level.INFO, holder + ": entries registered again under lease " + leaseId);
            } catch (CaravanException again) {
                LOG.log(System.Logger.Level.INFO, holder + ": cannot register its entries again yet (will retry): " + again.getMessage());
            }
        }
    }

    /** Closes the lease: the switch's entries leave naming at once. Best effort. */
    @Override
    public void close() {
        try {
            naming.closeLease(leaseId);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.DEBUG, holder + ": closing the naming lease failed: " + e.getMessage());
        }
    }
}
