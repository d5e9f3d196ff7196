package dev.caravan.switching;

import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

/**
 * The switch's naming lease: renewed by {@link #onTick}; when naming says it expired (the switch
 * was cut off longer than its term), a new one is opened and the switch's entries registered again
 * through {@code reregister}.
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
            try {
                leaseId = naming.openLease(holder, ttlMs).id();
                LOG.log(System.Logger.Level.WARNING, holder + ": naming lease had expired; registered again under lease " + leaseId);
                reregister.accept(leaseId);
            } catch (CaravanException again) {
                LOG.log(System.Logger.Level.INFO, holder + ": cannot open a new naming lease yet: " + again.getMessage());
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
