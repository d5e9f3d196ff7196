package dev.caravan.node;

import dev.caravan.core.time.ManualClock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.Lease;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

class LeaseKeeperTest {
    private final ManualClock clock = new ManualClock(1_000_000);
    private final LocalNamingService local = new LocalNamingService(() -> Instant.ofEpochMilli(clock.nowMs()));
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private final NamingService naming = new GatedNaming(local, reachable);
    private final AtomicInteger reregistrations = new AtomicInteger();

    private LeaseKeeper keeper() throws Exception {
        LeaseKeeper k = new LeaseKeeper(naming, "node/t", 1000, clock, id -> reregistrations.incrementAndGet());
        k.open();
        return k;
    }

    @Test
    void shouldKeepOwnershipWhileRenewalsSucceed() throws Exception {
        LeaseKeeper k = keeper();
        for (int i = 0; i < 20; i++) {
            clock.advanceMs(250);
            k.onTick();
            assertThat(k.owns()).isTrue();
        }
        assertThat(reregistrations).hasValue(0);
    }

    @Test
    void shouldStopAnsweringBeforeTheNamingServiceCanExpireTheLease() throws Exception {
        LeaseKeeper k = keeper();
        reachable.set(false);
        clock.advanceMs(250);
        k.onTick();
        assertThat(k.owns()).isTrue();
        clock.advanceMs(650);
        // 900 ms after the last renewal was sent: 90% of the term, no tick needed to notice.
        assertThat(k.owns()).isFalse();
        assertThat(local.expireLeases()).isZero();
    }

    @Test
    void shouldReregisterAndAnswerAgainOnceNamingIsBack() throws Exception {
        LeaseKeeper k = keeper();
        long first = k.leaseId();
        reachable.set(false);
        clock.advanceMs(1500);
        k.onTick();
        assertThat(k.owns()).isFalse();
        local.expireLeases();
        reachable.set(true);
        k.onTick();
        assertThat(k.owns()).isTrue();
        assertThat(k.leaseId()).isNotEqualTo(first);
        assertThat(reregistrations).hasValue(1);
    }

    @Test
    void shouldReregisterItsNamesWhileNamingStillHoldsItsOldLease() throws Exception {
        NamingEntry self = new NamingEntry("node/t", "t", "127.0.0.1", 1, 0, Map.of());
        LeaseKeeper k = new LeaseKeeper(naming, "node/t", 1000, clock, id -> naming.register(id, self));
        k.open();
        long first = k.leaseId();
        naming.register(first, self);
        reachable.set(false);
        clock.advanceMs(950);
        k.onTick();
        assertThat(k.owns()).isFalse();
        // Naming has not expired the old lease yet (950 of 1000 ms), and it holds node/t.
        reachable.set(true);
        k.onTick();
        assertThat(k.owns()).isTrue();
        assertThat(local.lookup("node/t")).get().extracting(NamingEntry::leaseId).isEqualTo(k.leaseId());
        assertThat(k.leaseId()).isNotEqualTo(first);
    }

    @Test
    void shouldFenceOnTheShorterTermNamingGranted() throws Exception {
        // ZooKeeper clamps a session timeout to its maxSessionTimeout: 1000 ms asked, 400 ms granted.
        LeaseKeeper k = new LeaseKeeper(new Clamping(naming, 400), "node/t", 1000, clock, id -> reregistrations.incrementAndGet());
        k.open();
        assertThat(k.termMs()).isEqualTo(400);
        reachable.set(false);
        clock.advanceMs(370);
        // Past 90% of the granted term: naming may expire the lease at 400 ms, the node must have stopped.
        assertThat(k.owns()).isFalse();
        assertThat(local.expireLeases()).isZero();
        clock.advanceMs(60);
        assertThat(local.expireLeases()).as("naming expires the granted term").isOne();
    }

    @Test
    void shouldCountANewTermFromWhenItWasAskedForNotFromASlowCloseOfTheStaleLease() throws Exception {
        // Closing a ZooKeeper session whose server is unreachable can take longer than the whole term.
        LeaseKeeper k = new LeaseKeeper(new Clamping(naming, 1000) {
            @Override
            public void closeLease(long leaseId) {
                clock.advanceMs(1200);
                super.closeLease(leaseId);
            }
        }, "node/t", 1000, clock, id -> reregistrations.incrementAndGet());
        k.open();
        reachable.set(false);
        clock.advanceMs(1500);
        k.onTick();
        assertThat(k.owns()).isFalse();
        local.expireLeases();
        reachable.set(true);
        k.onTick();
        assertThat(k.owns()).as("answering right after taking a new lease").isTrue();
        assertThat(reregistrations).hasValue(1);
    }

    /** Grants at most {@code maxTtlMs}, as a ZooKeeper server with that maxSessionTimeout does. */
    private static class Clamping implements NamingService {
        private final NamingService inner;
        private final long maxTtlMs;

        Clamping(NamingService inner, long maxTtlMs) {
            this.inner = inner;
            this.maxTtlMs = maxTtlMs;
        }

        @Override
        public Lease openLease(String holder, long ttlMs) {
            return inner.openLease(holder, Math.min(ttlMs, maxTtlMs));
        }

        @Override
        public void renew(long leaseId) {
            inner.renew(leaseId);
        }

        @Override
        public void closeLease(long leaseId) {
            inner.closeLease(leaseId);
        }

        @Override
        public void register(long leaseId, NamingEntry entry) {
            inner.register(leaseId, entry);
        }

        @Override
        public void unregister(long leaseId, String name, long epoch) {
            inner.unregister(leaseId, name, epoch);
        }

        @Override
        public Optional<NamingEntry> lookup(String name) {
            return inner.lookup(name);
        }

        @Override
        public List<NamingEntry> list(String prefix) {
            return inner.list(prefix);
        }

        @Override
        public Watch watch(String prefix, Consumer<NamingEvent> listener) {
            return inner.watch(prefix, listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    @Test
    void shouldNotAnswerForAnythingAfterClose() throws Exception {
        LeaseKeeper k = keeper();
        local.register(k.leaseId(), new NamingEntry("node/t", "t", "127.0.0.1", 1, 0, Map.of()));
        k.close();
        assertThat(k.owns()).isFalse();
        assertThat(local.lookup("node/t")).isEmpty();
    }
}
