package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.Lease;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;

import java.util.concurrent.TimeUnit;

/**
 * Holds the node's naming lease. {@link #onTick} renews it; if no renewal has succeeded for
 * the lease's whole term (measured from when the last successful renewal was <em>sent</em>,
 * so the node always gives up no later than the naming service can expire it) the node is
 * fenced: it stops answering for its processes until it has a new lease and has re-registered
 * them. The term is the one naming granted when it is shorter than the one asked (ZooKeeper clamps
 * a session timeout to its server's {@code maxSessionTimeout}): fencing on the asked term would let
 * the node answer after naming expired its lease. Runs on one scheduler thread; {@link #owns()}
 * may be read from any thread.
 */
final class LeaseKeeper {
    private static final System.Logger LOG = System.getLogger(LeaseKeeper.class.getName());

    /** What the node does once it holds a new lease. */
    interface Reregistration {
        void onNewLease(long leaseId) throws Exception;
    }

    private final NamingService naming;
    private final String holder;
    private final long ttlMs;
    private final Clock clock;
    private final Reregistration reregistration;
    private volatile long termMs;
    private volatile long leaseId = -1;
    private volatile boolean owns;
    private volatile long lastGoodSentNs;
    private final java.util.concurrent.atomic.AtomicLong renewalFailures = new java.util.concurrent.atomic.AtomicLong();

    LeaseKeeper(NamingService naming, String holder, long ttlMs, Clock clock, Reregistration reregistration) {
        this.naming = naming;
        this.holder = holder;
        this.ttlMs = ttlMs;
        this.termMs = ttlMs;
        this.clock = clock;
        this.reregistration = reregistration;
    }

    /** Opens the first lease; fails the node's start if naming cannot be reached. */
    void open() throws Exception {
        long sent = clock.nanoTime();
        Lease lease = naming.openLease(holder, ttlMs);
        leaseId = lease.id();
        takeTerm(lease);
        lastGoodSentNs = sent;
        owns = true;
    }

    /** The term this node fences on: the asked TTL, or the granted one when naming granted less. */
    private void takeTerm(Lease lease) {
        long granted = lease.ttlMs() > 0 ? Math.min(ttlMs, lease.ttlMs()) : ttlMs;
        if (granted < ttlMs && granted != termMs) {
            LOG.log(System.Logger.Level.WARNING, holder + ": naming granted a lease of " + granted + " ms for the asked " + ttlMs
                    + " ms; fencing on " + granted + " ms (raise the naming server's maximum session timeout, or ask less)");
        }
        termMs = granted;
    }

    /** The lease term the node fences on, in ms: the asked TTL or the shorter one naming granted. Any thread. */
    long termMs() {
        return termMs;
    }

    long leaseId() {
        return leaseId;
    }

    /**
     * Whether the node may answer for its processes now: it holds a lease whose last renewal
     * was sent less than 90% of the term ago. Read on every request, so it does not wait for
     * the next tick to notice the term has run out.
     */
    boolean owns() {
        return owns && clock.nanoTime() - lastGoodSentNs < TimeUnit.MILLISECONDS.toNanos(termMs) * 9 / 10;
    }

    /** Nanoseconds since the last successful renewal (or opening) was sent: the lease's health. Any thread. */
    long renewalAgeNs() {
        return clock.nanoTime() - lastGoodSentNs;
    }

    /** Renewals (and re-acquisitions) that failed since the node started. Any thread. */
    long renewalFailures() {
        return renewalFailures.get();
    }

    /** Renews, fences or re-acquires; call every ttl/4 or so. */
    void onTick() {
        long sent = clock.nanoTime();
        if (owns && !owns()) {
            owns = false;
            LOG.log(System.Logger.Level.WARNING, holder + ": naming lease not renewed for " + termMs
                    + " ms; no longer answering for hosted processes");
        }
        try {
            if (owns) {
                naming.renew(leaseId);
                lastGoodSentNs = sent;
                return;
            }
            closeStaleLease();
            // The new term runs from when it was asked for: closing the stale lease can take long (a ZooKeeper
            // session whose server is unreachable), and counting that time fenced the node again right after.
            sent = clock.nanoTime();
            Lease lease = naming.openLease(holder, ttlMs);
            leaseId = lease.id();
            takeTerm(lease);
            lastGoodSentNs = sent;
            reregistration.onNewLease(lease.id());
            owns = true;
            LOG.log(System.Logger.Level.INFO, holder + ": new naming lease " + lease.id() + "; answering again");
        } catch (CaravanException e) {
            renewalFailures.incrementAndGet();
            LOG.log(System.Logger.Level.INFO, holder + ": naming lease renewal failed: " + e);
            if (e.code() == dev.caravan.wire.ErrorCode.LEASE_EXPIRED && owns) {
                owns = false;
                LOG.log(System.Logger.Level.WARNING, holder + ": naming lease expired; no longer answering for hosted processes");
            }
        } catch (Exception e) {
            renewalFailures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, holder + ": re-registration failed: " + e);
        }
    }

    /**
     * Before a new lease: close the old one, which naming may still hold for the last tenth of
     * its term. Its entries would otherwise refuse their re-registration under the new lease
     * (naming refuses a name that another live lease holds at the same epoch). Best effort.
     */
    private void closeStaleLease() {
        long stale = leaseId;
        if (stale < 0) {
            return;
        }
        try {
            naming.closeLease(stale);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.DEBUG, holder + ": closing stale lease " + stale + " failed: " + e);
        }
    }

    /** Closes the lease (its entries go with it); best effort. */
    void close() {
        if (leaseId >= 0) {
            try {
                naming.closeLease(leaseId);
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.DEBUG, holder + ": closing lease failed: " + e);
            }
        }
        owns = false;
    }
}
