package dev.caravan.servers.endpoint;

import dev.caravan.naming.Lease;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.servers.model.Server;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A started server's endpoint published in the naming service (the chapter's endpoint daemon):
 * the entry {@code service/<name>} with the server's host and port, held by a lease of its own.
 *
 * <p>The entry is soft state: it lives while {@link #renew()} is called within the lease's TTL
 * (the owner calls it, for example from a node's heartbeat), and disappears when the lease
 * expires or on {@link #close()}. Attributes {@code model} and {@code protocol} tell clients how
 * the server runs.
 *
 * <p>Threading: thread-safe (the naming service is); {@code close} is idempotent.
 */
public final class EndpointRegistration implements AutoCloseable {
    /** Prefix of every service entry's name. */
    public static final String PREFIX = "service/";
    private final NamingService naming;
    private final long leaseId;
    private final NamingEntry entry;

    private EndpointRegistration(NamingService naming, long leaseId, NamingEntry entry) {
        this.naming = naming;
        this.leaseId = leaseId;
        this.entry = entry;
    }

    /**
     * Opens a lease and registers {@code server}'s bound address as {@code service/<name>}.
     * On failure the lease is closed again.
     *
     * @param node  the owning node's id ("" when none)
     * @param host  the host clients should use (the bound address may be a wildcard)
     * @param ttlMs lease TTL
     * @throws dev.caravan.wire.CaravanException from the naming service (UNAVAILABLE, STALE_EPOCH, …)
     */
    public static EndpointRegistration register(NamingService naming, String name, String node, String host,
                                                Server server, String protocol, long ttlMs) {
        Map<String, String> attrs = new HashMap<>();
        attrs.put("model", server.model().cliName());
        attrs.put("protocol", protocol);
        return register(naming, name, node, host, server.port(), attrs, ttlMs);
    }

    /** Registers an arbitrary host and port (a server not built on the toolkit). */
    public static EndpointRegistration register(NamingService naming, String name, String node, String host,
                                                int port, Map<String, String> attrs, long ttlMs) {
        Objects.requireNonNull(naming, "naming");
        NamingEntry entry = new NamingEntry(PREFIX + name, node, host, port, 0, attrs);
        Lease lease = naming.openLease("endpoint:" + name, ttlMs);
        try {
            naming.register(lease.id(), entry);
        } catch (RuntimeException e) {
            try {
                naming.closeLease(lease.id());
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return new EndpointRegistration(naming, lease.id(), entry.withLeaseId(lease.id()));
    }

    /** Keeps the entry alive for another TTL. @throws dev.caravan.wire.CaravanException LEASE_EXPIRED when too late */
    public void renew() {
        naming.renew(leaseId);
    }

    /** The entry as registered. */
    public NamingEntry entry() {
        return entry;
    }

    public long leaseId() {
        return leaseId;
    }

    /** Removes the entry (closes the lease). */
    @Override
    public void close() {
        naming.closeLease(leaseId);
    }
}
