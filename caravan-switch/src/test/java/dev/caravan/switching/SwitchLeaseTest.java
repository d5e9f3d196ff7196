package dev.caravan.switching;

import dev.caravan.naming.Lease;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The switch's lease after naming let it expire: a new lease, and its entries back however long that takes. */
class SwitchLeaseTest {
    private final AtomicLong nowMs = new AtomicLong(1_000_000);
    private final LocalNamingService naming = new LocalNamingService(() -> Instant.ofEpochMilli(nowMs.get()));
    private final NamingEntry self = new NamingEntry("switch/s1", "", "127.0.0.1", 7500, 0, Map.of());
    private final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void close() {
        naming.close();
    }

    @Test
    void shouldKeepTryingToRegisterAgainUntilTheNameIsFree() {
        SwitchLease lease = new SwitchLease(naming, "switch/s1", 1000, id -> {
            attempts.incrementAndGet();
            naming.register(id, self);
        });
        naming.register(lease.leaseId(), self);
        // Naming lets the switch's lease expire; meanwhile its name is held by a lease that is still live (as a
        // ZooKeeper server restarted from its data restores the switch's old session until it times out).
        nowMs.addAndGet(1500);
        Lease restored = naming.openLease("switch/s1", 5000);
        naming.register(restored.id(), self);

        lease.onTick();
        assertThat(attempts).as("re-registration tried on the new lease").hasValue(1);
        assertThat(naming.lookup("switch/s1")).get().extracting(NamingEntry::leaseId).isEqualTo(restored.id());
        lease.onTick();
        assertThat(attempts).as("tried again while the name is still held").hasValue(2);

        naming.closeLease(restored.id());
        lease.onTick();
        assertThat(naming.lookup("switch/s1")).get().extracting(NamingEntry::leaseId).isEqualTo(lease.leaseId());
        lease.onTick();
        assertThat(attempts).as("no more attempts once registered").hasValue(3);
    }

    @Test
    void shouldCloseTheExpiredLeaseSoItsEntriesCanBeRegisteredAgainAtOnce() {
        SwitchLease lease = new SwitchLease(naming, "switch/s1", 1000, id -> naming.register(id, self));
        long first = lease.leaseId();
        naming.register(first, self);
        nowMs.addAndGet(1500);
        lease.onTick();
        assertThat(lease.leaseId()).isNotEqualTo(first);
        assertThat(naming.lookup("switch/s1")).get().extracting(NamingEntry::leaseId).isEqualTo(lease.leaseId());
    }
}
