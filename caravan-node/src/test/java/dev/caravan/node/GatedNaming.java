package dev.caravan.node;

import dev.caravan.naming.Lease;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import dev.caravan.wire.ErrorCode;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Naming that a test can make unreachable for the code under test: every call fails UNAVAILABLE while
 * {@code reachable} is false (as a partition from the naming service would), while the test itself still
 * reaches {@code inner} directly.
 */
record GatedNaming(NamingService inner, AtomicBoolean reachable) implements NamingService {
    private void check() {
        if (!reachable.get()) {
            throw ErrorCode.UNAVAILABLE.exception("naming unreachable (test)");
        }
    }

    @Override
    public Lease openLease(String holder, long ttlMs) {
        check();
        return inner.openLease(holder, ttlMs);
    }

    @Override
    public void renew(long leaseId) {
        check();
        inner.renew(leaseId);
    }

    @Override
    public void closeLease(long leaseId) {
        check();
        inner.closeLease(leaseId);
    }

    @Override
    public void register(long leaseId, NamingEntry entry) {
        check();
        inner.register(leaseId, entry);
    }

    @Override
    public void unregister(long leaseId, String name, long epoch) {
        check();
        inner.unregister(leaseId, name, epoch);
    }

    @Override
    public Optional<NamingEntry> lookup(String name) {
        check();
        return inner.lookup(name);
    }

    @Override
    public List<NamingEntry> list(String prefix) {
        check();
        return inner.list(prefix);
    }

    @Override
    public Watch watch(String prefix, Consumer<NamingEvent> listener) {
        check();
        return inner.watch(prefix, listener);
    }

    @Override
    public void close() {
        inner.close();
    }
}
