package dev.caravan.launch;

import dev.caravan.naming.Lease;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;

import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Naming's own admin port, published in its own table so that clients that know only naming's
 * address find naming's events and logs as they find every node's: the entry
 * {@value #NAME} (node {@code naming}, host and port: naming's, attributes {@code role=naming},
 * {@code admin=<host:port>}). Held under a lease naming opens on itself with the longest TTL,
 * renewed by one daemon thread well before it ends; closed with naming.
 */
final class AdminEntry implements AutoCloseable {
    /** The entry's name. */
    static final String NAME = "daemon/naming";

    private final LocalNamingService service;
    private final long leaseId;
    private final ScheduledExecutorService renewer;

    private AdminEntry(LocalNamingService service, long leaseId, ScheduledExecutorService renewer) {
        this.service = service;
        this.leaseId = leaseId;
        this.renewer = renewer;
    }

    static AdminEntry register(LocalNamingService service, String host, int port, String admin) {
        Lease lease = service.openLease("naming", LocalNamingService.MAX_TTL_MS);
        service.register(lease.id(), new NamingEntry(NAME, "naming", host, port, 0, Map.of("role", "naming", "admin", admin),
                lease.id()));
        ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("naming-admin-entry").daemon(true).factory());
        long everyMs = LocalNamingService.MAX_TTL_MS / 4;
        renewer.scheduleWithFixedDelay(() -> service.renew(lease.id()), everyMs, everyMs, TimeUnit.MILLISECONDS);
        return new AdminEntry(service, lease.id(), renewer);
    }

    @Override
    public void close() {
        renewer.shutdownNow();
        service.closeLease(leaseId);
    }
}
