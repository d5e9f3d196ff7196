package dev.caravan.naming;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class LocalNamingServiceTest {
    private final ManualClock clock = new ManualClock();
    private final LocalNamingService naming = new LocalNamingService(clock);

    @AfterEach
    void close() {
        naming.close();
    }

    static NamingEntry entry(String name, long epoch) {
        return new NamingEntry(name, "n1", "127.0.0.1", 7000, epoch, Map.of("state", "RUNNING"));
    }

    static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOf(CaravanException.class)
                .extracting(e -> ((CaravanException) e).code()).isEqualTo(code);
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
        assertCode(() -> naming.register(lease.id(), entry("process/c", 1)), ErrorCode.LEASE_EXPIRED);
    }

    @Test
    void shouldKeepEntriesWhileLeaseIsRenewed() {
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
    void shouldFenceRegisterWithStaleEpochAndMoveEntryToNewerLease() {
        Lease oldOwner = naming.openLease("n1", 1000);
        Lease newOwner = naming.openLease("n2", 1000);
        naming.register(oldOwner.id(), entry("process/kv", 3));
        naming.register(newOwner.id(), entry("process/kv", 4));
        assertCode(() -> naming.register(oldOwner.id(), entry("process/kv", 3)), ErrorCode.STALE_EPOCH);
        naming.register(newOwner.id(), entry("process/kv", 4));

        naming.closeLease(oldOwner.id());
        assertThat(naming.lookup("process/kv")).get().satisfies(e -> {
            assertThat(e.epoch()).isEqualTo(4);
            assertThat(e.leaseId()).isEqualTo(newOwner.id());
        });
        naming.closeLease(newOwner.id());
        assertThat(naming.lookup("process/kv")).isEmpty();
    }

    @Test
    void shouldLetExactlyOneOfTwoHoldersTakeANameAtTheSameEpoch() {
        Lease first = naming.openLease("n1", 1000);
        Lease second = naming.openLease("n2", 1000);
        naming.register(first.id(), entry("process/kv2", 1));
        assertCode(() -> naming.register(second.id(), entry("process/kv2", 1)), ErrorCode.ALREADY_EXISTS);
        naming.register(first.id(), entry("process/kv2", 1));
        naming.register(second.id(), entry("process/kv2", 2));
        assertThat(naming.lookup("process/kv2")).get().extracting(NamingEntry::leaseId).isEqualTo(second.id());
    }

    @Test
    void shouldLetANewHolderTakeANameWhoseLeaseIsGone() {
        Lease first = naming.openLease("n1", 1000);
        naming.register(first.id(), entry("node/n1", 0));
        Lease second = naming.openLease("n1-again", 1000);
        assertCode(() -> naming.register(second.id(), entry("node/n1", 0)), ErrorCode.ALREADY_EXISTS);
        naming.closeLease(first.id());
        naming.register(second.id(), entry("node/n1", 0));
        assertThat(naming.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(second.id());
    }

    @Test
    void shouldFenceUnregisterAndReportMissingEntries() {
        Lease lease = naming.openLease("n1", 1000);
        naming.register(lease.id(), entry("process/kv", 5));
        assertCode(() -> naming.unregister(lease.id(), "process/kv", 4), ErrorCode.STALE_EPOCH);
        assertCode(() -> naming.unregister(lease.id(), "process/none", 9), ErrorCode.NOT_FOUND);
        naming.unregister(lease.id(), "process/kv", 5);
        assertThat(naming.lookup("process/kv")).isEmpty();
        assertCode(() -> naming.unregister(lease.id(), "process/kv", 5), ErrorCode.NOT_FOUND);
    }

    @Test
    void shouldListByPrefixSortedByName() {
        Lease lease = naming.openLease("n1", 1000);
        for (String n : new String[]{"process/b", "node/n1", "process/a", "processx", "bundle/s/n1"}) {
            naming.register(lease.id(), entry(n, 1));
        }
        assertThat(naming.list("process/")).extracting(NamingEntry::name).containsExactly("process/a", "process/b");
        assertThat(naming.list("")).extracting(NamingEntry::name)
                .containsExactly("bundle/s/n1", "node/n1", "process/a", "process/b", "processx");
        assertThat(naming.list("zzz")).isEmpty();
    }

    @Test
    void shouldDeliverWatchEventsInOrderOnlyForThePrefixUntilClosed() {
        EventRecorder rec = new EventRecorder();
        Watch w = naming.watch("node/", rec);
        Lease lease = naming.openLease("n1", 1000);
        naming.register(lease.id(), entry("node/n1", 1));
        naming.register(lease.id(), entry("process/p", 1));
        naming.register(lease.id(), entry("node/n1", 2));
        naming.unregister(lease.id(), "node/n1", 2);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(rec.summary())
                .containsExactly("PUT node/n1@1", "PUT node/n1@2", "REMOVED node/n1@2"));
        w.close();
        w.close();
        naming.register(lease.id(), entry("node/n2", 1));
        EventRecorder later = new EventRecorder();
        naming.watch("node/", later);
        naming.register(lease.id(), entry("node/n3", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> later.events.size() == 1);
        assertThat(rec.events).hasSize(3);
    }

    @Test
    void shouldRejectBadArguments() {
        assertCode(() -> naming.openLease("n1", 0), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> entry("x".repeat(NamingEntry.MAX_NAME_BYTES + 1), 1), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new NamingEntry("a", "", "h", 70000, 1, Map.of()), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new NamingEntry("a", "", "h", 1, 1, Map.of("k", "v".repeat(4097))), ErrorCode.INVALID_ARGUMENT);
        naming.closeLease(12345);
    }

    @Test
    void shouldRefuseANameThatAnotherLiveLeaseHoldsAtTheSameEpoch() {
        Lease real = naming.openLease("node/n1", 1000);
        Lease impostor = naming.openLease("node/n1", 1000);
        naming.register(real.id(), entry("node/n1", 0));
        assertThatThrownBy(() -> naming.register(impostor.id(), entry("node/n1", 0)))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS))
                .hasMessageContaining("node/n1").hasMessageContaining("127.0.0.1:7000");
        assertThat(naming.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(real.id());
        // The holder itself may register again, and closing the impostor's lease leaves the entry alone.
        naming.register(real.id(), entry("node/n1", 0));
        naming.closeLease(impostor.id());
        assertThat(naming.lookup("node/n1")).isPresent();
    }

    @Test
    void shouldGiveANameToAnotherLeaseOnceItsHolderHasExpired() {
        Lease old = naming.openLease("node/n1", 1000);
        naming.register(old.id(), entry("node/n1", 0));
        clock.advanceMs(1000);
        Lease fresh = naming.openLease("node/n1", 1000);
        naming.register(fresh.id(), entry("node/n1", 0));
        assertThat(naming.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(fresh.id());
        assertCode(() -> naming.renew(old.id()), ErrorCode.LEASE_EXPIRED);
    }

    @Test
    void shouldNotReissueLeaseIdsAfterRestart() {
        Lease a = naming.openLease("n1", 1000);
        try (LocalNamingService restarted = new LocalNamingService(clock)) {
            assertCode(() -> restarted.renew(a.id()), ErrorCode.LEASE_EXPIRED);
            assertThat(restarted.openLease("n1", 1000).id()).isNotEqualTo(a.id());
        }
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
