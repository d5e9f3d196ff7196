package dev.caravan.naming;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link NamingService} must do, run against each implementation by a subclass
 * ({@code LocalNamingServiceContractTest} here, {@code ZkNamingServiceContractTest} in
 * caravan-naming-zk). Behaviour only: lease expiry comes through the {@link #expire} hook, and
 * events are awaited with a bound, because a remote implementation delivers them later. Tests
 * tied to one implementation (the embedded service's clock and reaper) stay in its own test class.
 *
 * <p>Watch tests space changes of one name by awaiting each event: an implementation may
 * collapse quick successive changes of one name into the latest (ZooKeeper's watches carry no
 * data), while changes of different names always arrive in order.
 */
public abstract class NamingServiceContract {
    protected static final Duration WAIT = Duration.ofSeconds(10);

    protected NamingService naming;
    /** The running test's method name, set before {@link #newService()} (implementations may name a namespace after it). */
    protected String testName;

    /**
     * A service on a fresh, empty table the first time in a test; later calls in the same test
     * (a "restart") reach the same table where the implementation keeps it outside the JVM.
     * The test closes it.
     */
    protected abstract NamingService newService();

    /**
     * Ends {@code lease} as silence past its TTL does, returning once the service has noticed
     * (renew answers LEASE_EXPIRED). Entries may vanish a little later, with their REMOVED
     * events. Tests call it while no other lease is open.
     */
    protected abstract void expire(Lease lease);

    /** The TTL tests open leases with; long enough that no lease ends on its own during a test. */
    protected long ttlMs() {
        return 1000;
    }

    @BeforeEach
    void openService(TestInfo info) {
        testName = info.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
        naming = newService();
    }

    @AfterEach
    void closeService() {
        naming.close();
    }

    public static NamingEntry entry(String name, long epoch) {
        return new NamingEntry(name, "n1", "127.0.0.1", 7000, epoch, Map.of("state", "RUNNING"));
    }

    public static void assertCode(Runnable r, ErrorCode code) {
        assertThatThrownBy(r::run).isInstanceOf(CaravanException.class)
                .extracting(e -> ((CaravanException) e).code()).isEqualTo(code);
    }

    private Lease open(String holder) {
        return naming.openLease(holder, ttlMs());
    }

    @Test
    public void shouldRemoveEntriesAndFireRemovedWhenLeaseExpires() {
        EventRecorder rec = new EventRecorder();
        naming.watch("process/", rec);
        Lease lease = open("n1");
        naming.register(lease.id(), entry("process/a", 1));
        naming.register(lease.id(), entry("process/b", 1));
        await().atMost(WAIT).until(() -> rec.events.size() == 2);

        expire(lease);

        assertCode(() -> naming.renew(lease.id()), ErrorCode.LEASE_EXPIRED);
        assertCode(() -> naming.register(lease.id(), entry("process/c", 1)), ErrorCode.LEASE_EXPIRED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary()).hasSize(4)
                .startsWith("PUT process/a@1", "PUT process/b@1")
                .containsOnlyOnce("REMOVED process/a@1", "REMOVED process/b@1"));
        assertThat(naming.list("")).isEmpty();
        assertThat(rec.events.get(2).entry().leaseId()).isEqualTo(lease.id());
    }

    @Test
    public void shouldKeepEntriesWhileLeaseIsRenewed() {
        Lease lease = open("n1");
        assertThat(lease.id()).isNotZero();
        assertThat(lease.ttlMs()).isEqualTo(ttlMs());
        naming.register(lease.id(), entry("process/a", 1));
        for (int i = 0; i < 3; i++) {
            naming.renew(lease.id());
        }
        assertThat(naming.lookup("process/a")).get().satisfies(e -> {
            assertThat(e.leaseId()).isEqualTo(lease.id());
            assertThat(e).isEqualTo(entry("process/a", 1).withLeaseId(lease.id()));
        });
    }

    @Test
    public void shouldReplaceAnEntryUnderItsOwnLease() {
        Lease lease = open("n1");
        naming.register(lease.id(), entry("process/a", 1));
        NamingEntry moved = new NamingEntry("process/a", "n1", "10.0.0.9", 7100, 1, Map.of("state", "PAUSED"));
        naming.register(lease.id(), moved);
        assertThat(naming.lookup("process/a")).contains(moved.withLeaseId(lease.id()));
        naming.register(lease.id(), entry("process/a", 2));
        assertThat(naming.lookup("process/a")).get().extracting(NamingEntry::epoch, NamingEntry::port).containsExactly(2L, 7000);
    }

    @Test
    public void shouldFenceRegisterWithStaleEpochAndMoveEntryToNewerLease() {
        Lease oldOwner = open("n1");
        Lease newOwner = open("n2");
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
        naming.closeLease(newOwner.id());
    }

    @Test
    public void shouldLetExactlyOneOfTwoHoldersTakeANameAtTheSameEpoch() {
        Lease first = open("n1");
        Lease second = open("n2");
        naming.register(first.id(), entry("process/kv2", 1));
        assertCode(() -> naming.register(second.id(), entry("process/kv2", 1)), ErrorCode.ALREADY_EXISTS);
        naming.register(first.id(), entry("process/kv2", 1));
        naming.register(second.id(), entry("process/kv2", 2));
        assertThat(naming.lookup("process/kv2")).get().extracting(NamingEntry::leaseId).isEqualTo(second.id());
    }

    @Test
    public void shouldLetANewHolderTakeANameWhoseLeaseIsGone() {
        Lease first = open("n1");
        naming.register(first.id(), entry("node/n1", 0));
        Lease second = open("n1-again");
        assertCode(() -> naming.register(second.id(), entry("node/n1", 0)), ErrorCode.ALREADY_EXISTS);
        naming.closeLease(first.id());
        naming.register(second.id(), entry("node/n1", 0));
        assertThat(naming.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(second.id());
    }

    @Test
    public void shouldFenceUnregisterAndReportMissingEntries() {
        Lease lease = open("n1");
        Lease other = open("n2");
        naming.register(lease.id(), entry("process/kv", 5));
        assertCode(() -> naming.unregister(lease.id(), "process/kv", 4), ErrorCode.STALE_EPOCH);
        assertCode(() -> naming.unregister(lease.id(), "process/none", 9), ErrorCode.NOT_FOUND);
        // Any live lease may remove it: the epoch is the fence.
        naming.unregister(other.id(), "process/kv", 5);
        assertThat(naming.lookup("process/kv")).isEmpty();
        assertCode(() -> naming.unregister(lease.id(), "process/kv", 5), ErrorCode.NOT_FOUND);
        naming.closeLease(other.id());
        assertCode(() -> naming.unregister(other.id(), "process/kv", 5), ErrorCode.LEASE_EXPIRED);
    }

    @Test
    public void shouldListByPrefixSortedByName() {
        Lease lease = open("n1");
        for (String n : new String[]{"process/b", "node/n1", "process/a", "processx", "bundle/s/n1", "process/a b%2F/ü"}) {
            naming.register(lease.id(), entry(n, 1));
        }
        assertThat(naming.list("process/")).extracting(NamingEntry::name)
                .containsExactly("process/a", "process/a b%2F/ü", "process/b");
        assertThat(naming.list("")).extracting(NamingEntry::name)
                .containsExactly("bundle/s/n1", "node/n1", "process/a", "process/a b%2F/ü", "process/b", "processx");
        assertThat(naming.list("zzz")).isEmpty();
        assertThat(naming.lookup("process/a b%2F/ü")).get().extracting(NamingEntry::name).isEqualTo("process/a b%2F/ü");
    }

    @Test
    public void shouldKeepNamesOfTheLongestAllowedLength() {
        Lease lease = open("n1");
        String longest = "process/" + "x".repeat(NamingEntry.MAX_NAME_BYTES - "process/".length());
        naming.register(lease.id(), entry(longest, 1));
        assertThat(naming.lookup(longest)).isPresent();
        assertThat(naming.list("process/")).extracting(NamingEntry::name).containsExactly(longest);
    }

    @Test
    public void shouldDeliverWatchEventsInOrderOnlyForThePrefixUntilClosed() {
        EventRecorder rec = new EventRecorder();
        Watch w = naming.watch("node/", rec);
        assertThat(w.prefix()).isEqualTo("node/");
        Lease lease = open("n1");
        naming.register(lease.id(), entry("node/n1", 1));
        naming.register(lease.id(), entry("process/p", 1));
        naming.register(lease.id(), entry("node/n2", 1));
        await().atMost(WAIT).until(() -> rec.events.size() >= 2);
        naming.register(lease.id(), entry("node/n1", 2));
        await().atMost(WAIT).until(() -> rec.events.size() >= 3);
        naming.unregister(lease.id(), "node/n1", 2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary())
                .containsExactly("PUT node/n1@1", "PUT node/n2@1", "PUT node/n1@2", "REMOVED node/n1@2"));
        assertThat(rec.events.getLast().entry().port()).isEqualTo(7000);
        w.close();
        w.close();
        naming.register(lease.id(), entry("node/n3", 1));
        EventRecorder later = new EventRecorder();
        naming.watch("node/", later);
        naming.register(lease.id(), entry("node/n4", 1));
        await().atMost(WAIT).until(() -> later.events.size() == 1);
        assertThat(later.summary()).containsExactly("PUT node/n4@1");
        assertThat(rec.events).hasSize(4);
    }

    @Test
    public void shouldKeepOtherWatchesGoingWhenAListenerThrows() {
        naming.watch("", e -> {
            throw new IllegalStateException("listener bug");
        });
        EventRecorder rec = new EventRecorder();
        naming.watch("", rec);
        Lease lease = open("n1");
        naming.register(lease.id(), entry("a", 1));
        naming.register(lease.id(), entry("b", 1));
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary()).containsExactly("PUT a@1", "PUT b@1"));
    }

    @Test
    public void shouldRejectBadArguments() {
        assertCode(() -> naming.openLease("n1", 0), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> naming.openLease("n1", LocalNamingService.MAX_TTL_MS + 1), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> naming.openLease("h".repeat(NamingEntry.MAX_FIELD_BYTES + 1), ttlMs()), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> entry("x".repeat(NamingEntry.MAX_NAME_BYTES + 1), 1), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new NamingEntry("a", "", "h", 70000, 1, Map.of()), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> new NamingEntry("a", "", "h", 1, 1, Map.of("k", "v".repeat(4097))), ErrorCode.INVALID_ARGUMENT);
        assertCode(() -> naming.renew(12345), ErrorCode.LEASE_EXPIRED);
        assertCode(() -> naming.register(12345, entry("a", 1)), ErrorCode.LEASE_EXPIRED);
        naming.closeLease(12345);
    }

    @Test
    public void shouldRefuseANameThatAnotherLiveLeaseHoldsAtTheSameEpoch() {
        Lease real = open("node/n1");
        Lease impostor = open("node/n1");
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
    public void shouldGiveANameToAnotherLeaseOnceItsHolderHasExpired() {
        Lease old = open("node/n1");
        naming.register(old.id(), entry("node/n1", 0));
        expire(old);
        Lease fresh = open("node/n1");
        naming.register(fresh.id(), entry("node/n1", 0));
        assertThat(naming.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(fresh.id());
        assertCode(() -> naming.renew(old.id()), ErrorCode.LEASE_EXPIRED);
    }

    @Test
    public void shouldNeverReissueALeaseId() {
        Set<Long> ids = new HashSet<>();
        List<Lease> opened = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Lease l = open("n" + i);
            opened.add(l);
            naming.closeLease(l.id());
            assertThat(ids.add(l.id())).as("lease id %d issued twice", l.id()).isTrue();
        }
        try (NamingService restarted = newService()) {
            for (Lease l : opened) {
                assertCode(() -> restarted.renew(l.id()), ErrorCode.LEASE_EXPIRED);
            }
            assertThat(ids).doesNotContain(restarted.openLease("n1", ttlMs()).id());
        }
    }

    @Test
    public void shouldRefuseEveryCallOnceClosed() {
        Lease lease = open("n1");
        naming.register(lease.id(), entry("process/a", 1));
        naming.close();
        naming.close();
        assertCode(() -> naming.openLease("n1", ttlMs()), ErrorCode.UNAVAILABLE);
        assertCode(() -> naming.lookup("process/a"), ErrorCode.UNAVAILABLE);
        assertCode(() -> naming.list(""), ErrorCode.UNAVAILABLE);
        assertCode(() -> naming.watch("", e -> { }), ErrorCode.UNAVAILABLE);
        assertCode(() -> naming.register(lease.id(), entry("process/b", 1)), ErrorCode.UNAVAILABLE);
        try (NamingService other = newService()) {
            assertThat(other.lookup("process/a")).as("closing a service ends its leases").isEmpty();
        }
    }
}
