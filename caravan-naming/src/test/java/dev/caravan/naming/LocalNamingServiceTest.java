package dev.caravan.naming;

import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.caravan.naming.NamingServiceContract.assertCode;
import static dev.caravan.naming.NamingServiceContract.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What only the embedded service does: lease arithmetic on its injected clock, the reaper, and
 * delivery of every change (ZooKeeper may collapse quick changes of one name). The behaviour
 * every implementation shares is in {@link NamingServiceContract}.
 */
class LocalNamingServiceTest {
    private final ManualClock clock = new ManualClock();
    private final LocalNamingService naming = new LocalNamingService(clock);

    @AfterEach
    void close() {
        naming.close();
    }

    @Test
    void shouldRemoveEntriesAndFireRemovedWhenLeaseFallsSilentPastTtl() {
        EventRecorder rec = new EventRecorder();
        naming.watch("process/", rec);
        Lease lease = naming.openLease("n1", 1000);
        naming.register(lease.id(), entry("process/a", 1));
        naming.register(lease.id(), entry("process/b", 1));

        clock.advanceMs(999);
        assertThat(naming.expireLeases()).isZero();
        clock.advanceMs(1);
        assertThat(naming.expireLeases()).isEqualTo(1);

        assertThat(naming.list("")).isEmpty();
        assertThat(naming.leaseCount()).isZero();
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rec.summary()).containsExactly(
                "PUT process/a@1", "PUT process/b@1", "REMOVED process/a@1", "REMOVED process/b@1"));
        assertCode(() -> naming.renew(lease.id()), ErrorCode.LEASE_EXPIRED);
    }

    @Test
    void shouldKeepEntriesWhileLeaseIsRenewedWithinItsTtl() {
        Lease lease = naming.openLease("n1", 1000);
        naming.register(lease.id(), entry("process/a", 1));
        for (int i = 0; i < 5; i++) {
            clock.advanceMs(600);
            naming.renew(lease.id());
            assertThat(naming.expireLeases()).isZero();
        }
        assertThat(naming.lookup("process/a")).get().extracting(NamingEntry::leaseId).isEqualTo(lease.id());
    }

    @Test
    void shouldReportEachLeasesLastRenewalAndItsEntries() {
        long opened = clock.millis();
        Lease lease = naming.openLease("node/n1", 1000);
        naming.register(lease.id(), entry("node/n1", 1));
        naming.register(lease.id(), entry("process/a", 1));
        clock.advanceMs(400);
        assertThat(naming.leases()).singleElement().satisfies(l -> {
            assertThat(l.holder()).isEqualTo("node/n1");
            assertThat(l.renewedAtMs()).isEqualTo(opened);
            assertThat(l.expiresAtMs()).isEqualTo(opened + 1000);
            assertThat(l.names()).containsExactly("node/n1", "process/a");
        });

        naming.renew(lease.id());

        assertThat(naming.leases().getFirst().renewedAtMs()).isEqualTo(opened + 400);
        assertThat(naming.leases().getFirst().expiresAtMs()).isEqualTo(opened + 1400);
        naming.closeLease(lease.id());
        assertThat(naming.leases()).isEmpty();
    }

    @Test
    void shouldRefuseRenewOfLeasePastTtlEvenBeforeReaperRuns() {
        Lease lease = naming.openLease("n1", 1000);
        naming.register(lease.id(), entry("process/a", 1));
        clock.advanceMs(1000);
        assertCode(() -> naming.renew(lease.id()), ErrorCode.LEASE_EXPIRED);
        assertThat(naming.lookup("process/a")).isEmpty();
    }

    @Test
    void shouldDeliverEveryChangeOfOneNameInOrder() {
        EventRecorder rec = new EventRecorder();
        naming.watch("node/", rec);
        Lease lease = naming.openLease("n1", 1000);
        naming.register(lease.id(), entry("node/n1", 1));
        naming.register(lease.id(), entry("process/p", 1));
        naming.register(lease.id(), entry("node/n1", 2));
        naming.unregister(lease.id(), "node/n1", 2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rec.summary())
                .containsExactly("PUT node/n1@1", "PUT node/n1@2", "REMOVED node/n1@2"));
    }

    @Test
    void shouldExpireLeasesWithTheReaper() {
        try (LocalNamingService real = new LocalNamingService()) {
            Lease lease = real.openLease("n1", 50);
            real.register(lease.id(), entry("node/n1", 1));
            real.startReaper(10);
            await().atMost(Duration.ofSeconds(5)).until(() -> real.lookup("node/n1").isEmpty());
        }
    }
}
