package dev.caravan.switching.shared;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.core.time.ManualClock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.config.FrontendSpecJson;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two (or three) switches' replicators sharing front ends through one in-memory naming service. */
class FrontendConfigReplicatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalNamingService naming = new LocalNamingService();
    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<Replica> replicas = new ArrayList<>();

    /** One switch: its lease, its replicator, and the front ends it runs. */
    private final class Replica implements FrontendApplier {
        final String id;
        final String host;
        final long lease;
        final Map<String, FrontendSpec> running = new ConcurrentHashMap<>();
        final ExecutorService events = Executors.newSingleThreadExecutor();
        final FrontendConfigReplicator replicator;

        Replica(String id, String host) {
            this.id = id;
            this.host = host;
            this.lease = naming.openLease("switch/" + id, 60_000).id();
            this.replicator = new FrontendConfigReplicator(naming, id, host, () -> lease, clock, this, events);
        }

        @Override
        public int adopt(FrontendSpec spec) {
            running.put(spec.name(), spec);
            return spec.listen().getPort() == 0 ? 40_000 : spec.listen().getPort();
        }

        @Override
        public void withdraw(String name) {
            running.remove(name);
        }

        void die() {
            replicator.close();
            events.shutdownNow();
            naming.closeLease(lease);
        }
    }

    private Replica start(String id, String host, List<FrontendSpec> file, long fileEpochMs) {
        Replica r = new Replica(id, host);
        replicas.add(r);
        r.replicator.start(file, fileEpochMs);
        return r;
    }

    private Replica start(String id, String host) {
        return start(id, host, List.of(), 0);
    }

    private static FrontendSpec spec(String name, String listen, String policy) throws Exception {
        return FrontendSpecJson.parse(JSON.readTree("{\"name\": \"" + name + "\", \"listen\": \"" + listen
                + "\", \"protocol\": \"resp\", \"mode\": \"transport\", \"backends\": \"prefix:kv\", \"policy\": \"" + policy
                + "\"}"), "test", "");
    }

    @AfterEach
    void close() {
        replicas.forEach(r -> {
            r.replicator.close();
            r.events.shutdownNow();
        });
        naming.close();
    }

    @Test
    void shouldRunOnEverySwitchAFrontEndAddedOnOneOnItsOwnAddressAndPort() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        Replica b = start("s2", "127.0.0.2");
        FrontendSpec kv = spec("kv", "127.0.0.1:7000", "round-robin");

        a.replicator.publish(kv, a.replicator.ownHost(kv));

        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("kv"));
        assertThat(b.running.get("kv").listen()).isEqualTo(new InetSocketAddress("127.0.0.2", 7000));
        assertThat(b.running.get("kv").routes()).isEqualTo(kv.routes());
        NamingEntry e = naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow();
        assertThat(e.leaseId()).isEqualTo(a.lease);
        assertThat(e.epoch()).isEqualTo(clock.nowMs());
        // A switch started later adopts what naming holds.
        Replica c = start("s3", "127.0.0.3");
        assertThat(c.running.get("kv").listen()).isEqualTo(new InetSocketAddress("127.0.0.3", 7000));
    }

    /** Seen in CI: a starved switch's lease expired just before an admin declared a front end, and the declaration failed. */
    @Test
    void shouldPublishADeclarationUnderTheNewLeaseWhenTheOldOneHasJustExpired() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        long expired = naming.openLease("switch/s9", 60_000).id();
        naming.closeLease(expired); // as naming does when the term ran out
        long reopened = naming.openLease("switch/s9", 60_000).id();
        // The switch's upkeep replaces the lease while the declaration is under way: the first read sees the expired one.
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        FrontendConfigReplicator s9 = new FrontendConfigReplicator(naming, "s9", "127.0.0.1",
                () -> reads.incrementAndGet() == 1 ? expired : reopened, clock, a, a.events);
        try {
            FrontendSpec kv = spec("kv", "127.0.0.1:7000", "round-robin");

            s9.publish(kv, s9.ownHost(kv));

            NamingEntry e = naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow();
            assertThat(e.leaseId()).isEqualTo(reopened);
            assertThat(reads.get()).isGreaterThan(1);
        } finally {
            s9.close();
        }
    }

    @Test
    void shouldKeepAWildcardListenAddressAsItIs() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        Replica b = start("s2", "127.0.0.2");
        FrontendSpec any = spec("any", "0.0.0.0:7001", "round-robin");

        a.replicator.publish(any, a.replicator.ownHost(any));

        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("any"));
        assertThat(b.running.get("any").listen()).isEqualTo(new InetSocketAddress("0.0.0.0", 7001));
    }

    @Test
    void shouldHoldTheConfigurationUnderAnotherSwitchsLeaseWhenItsPublisherDies() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        Replica b = start("s2", "127.0.0.2");
        Replica c = start("s3", "127.0.0.3");
        a.replicator.publish(spec("kv", "127.0.0.1:7000", "round-robin"), true);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("kv") && c.running.containsKey("kv"));
        long epoch = naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow().epoch();

        a.die();

        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup(SharedFrontendCodec.PREFIX + "kv").isPresent());
        NamingEntry held = naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow();
        assertThat(held.leaseId()).isIn(b.lease, c.lease);
        assertThat(held.epoch()).isEqualTo(epoch);
        assertThat(b.running).containsKey("kv");
        assertThat(c.running).containsKey("kv");
        // And again when that holder dies too.
        Replica holder = held.leaseId() == b.lease ? b : c;
        Replica other = holder == b ? c : b;
        holder.die();
        await().atMost(Duration.ofSeconds(5)).until(() -> naming.lookup(SharedFrontendCodec.PREFIX + "kv")
                .map(e -> e.leaseId() == other.lease).orElse(false));
    }

    @Test
    void shouldStopEverywhereOnARemovalThatAnOlderVersionCannotUndo() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        Replica b = start("s2", "127.0.0.2");
        FrontendSpec kv = spec("kv", "127.0.0.1:7000", "round-robin");
        long added = a.replicator.publish(kv, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("kv"));

        assertThat(b.replicator.publishRemoval("kv")).isTrue();

        await().atMost(Duration.ofSeconds(5)).until(() -> !a.running.containsKey("kv"));
        assertThat(b.running).doesNotContainKey("kv");
        NamingEntry tombstone = naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow();
        assertThat(tombstone.attribute("state")).isEqualTo("removed");
        assertThat(tombstone.epoch()).isGreaterThan(added);
        // The old version, registered late (a switch with stale memory), is refused: the removal wins.
        long lease = naming.openLease("late", 60_000).id();
        assertThatThrownBy(() -> naming.register(lease, SharedFrontendCodec.encode(new SharedFrontend("kv", added, kv, true, "s1"),
                "late"))).isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STALE_EPOCH));
        // A switch started later with the front end in an older config file does not run it.
        Replica c = start("s3", "127.0.0.3", List.of(spec("kv", "127.0.0.3:7000", "round-robin")), added);
        assertThat(c.running).doesNotContainKey("kv");
        assertThat(b.replicator.publishRemoval("kv")).as("nothing left to remove").isFalse();
    }

    @Test
    void shouldLetANewerConfigFileReplaceTheSharedVersionEverywhere() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        a.replicator.publish(spec("kv", "127.0.0.1:7000", "round-robin"), true);
        long published = clock.nowMs();
        clock.advanceMs(60_000);

        Replica b = start("s2", "127.0.0.2", List.of(spec("kv", "127.0.0.2:7000", "least-connections")), published + 1);

        assertThat(b.running.get("kv").routes().getFirst().policy().cliName()).isEqualTo("least-connections");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.running.get("kv").routes().getFirst().policy().cliName()
                .equals("least-connections"));
        assertThat(a.running.get("kv").listen()).isEqualTo(new InetSocketAddress("127.0.0.1", 7000));
    }

    @Test
    void shouldPreferTheHigherEpochOfTwoChangesWhateverTheOrderTheyArriveIn() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        Replica b = start("s2", "127.0.0.2");
        a.replicator.publish(spec("kv", "127.0.0.1:7000", "round-robin"), true);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("kv"));
        long first = naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow().epoch();
        // A change made on b at a later epoch; then one made elsewhere at an earlier epoch loses.
        long lease = naming.openLease("other", 60_000).id();
        naming.register(lease, SharedFrontendCodec.encode(new SharedFrontend("kv", first + 10,
                spec("kv", "127.0.0.9:7000", "least-connections"), true, "s9"), "s9"));
        await().atMost(Duration.ofSeconds(5)).until(() -> a.running.get("kv").routes().getFirst().policy().cliName()
                .equals("least-connections"));
        assertThatThrownBy(() -> naming.register(lease, SharedFrontendCodec.encode(new SharedFrontend("kv", first + 5,
                spec("kv", "127.0.0.9:7000", "power-of-two"), true, "s9"), "s9")))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.STALE_EPOCH));
        assertThat(a.replicator.current("kv").orElseThrow().epoch()).isEqualTo(first + 10);
        assertThat(b.replicator.current("kv").orElseThrow().epoch()).isEqualTo(first + 10);
    }

    @Test
    void shouldRefuseAChangeWhenAnotherSwitchHoldsOneAtTheSameEpoch() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        long lease = naming.openLease("other", 60_000).id();
        naming.register(lease, SharedFrontendCodec.encode(new SharedFrontend("kv", clock.nowMs(),
                spec("kv", "127.0.0.9:7000", "round-robin"), true, "s9"), "s9"));
        Replica b = start("s2", "127.0.0.2");

        // b knows epoch now, so its change goes one higher; a has not seen it yet in this race, so its epoch ties.
        assertThat(b.replicator.publish(spec("kv", "127.0.0.2:7000", "least-connections"), true)).isEqualTo(clock.nowMs() + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.replicator.current("kv").map(f -> f.epoch() == clock.nowMs() + 1)
                .orElse(false));
        long tie = naming.openLease("tie", 60_000).id();
        assertThatThrownBy(() -> naming.register(tie, SharedFrontendCodec.encode(new SharedFrontend("kv", clock.nowMs() + 1,
                spec("kv", "127.0.0.9:7000", "power-of-two"), true, "s9"), "s9")))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
    }

    @Test
    void shouldSkipABadSpecFromNamingAndKeepWhatRuns() throws Exception {
        Replica a = start("s1", "127.0.0.1");
        Replica b = start("s2", "127.0.0.2");
        a.replicator.publish(spec("kv", "127.0.0.1:7000", "round-robin"), true);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("kv"));
        long lease = naming.openLease("bad", 60_000).id();
        long epoch = clock.nowMs() + 100;
        // An unknown policy, as a config file would have it: refused there, skipped here.
        naming.register(lease, new NamingEntry(SharedFrontendCodec.PREFIX + "kv", "", "", 7000, epoch, Map.of("state", "live",
                "spec.0", "{\"name\": \"kv\", \"listen\": \"127.0.0.1:7000\", \"protocol\": \"resp\", \"mode\": \"transport\","
                        + " \"backends\": \"prefix:kv\", \"policy\": \"rr\"}")));
        naming.register(lease, new NamingEntry(SharedFrontendCodec.PREFIX + "process-kv1", "", "", 7000, epoch, Map.of("state",
                "live", "spec.0", "{\"name\": \"process-kv1\", \"listen\": \"127.0.0.1:7002\", \"protocol\": \"resp\","
                        + " \"mode\": \"transport\", \"backends\": \"prefix:kv\"}")));
        naming.register(lease, new NamingEntry(SharedFrontendCodec.PREFIX + "torn", "", "", 7000, epoch, Map.of("state", "live",
                "spec.0", "{\"name\": \"torn\", ")));
        // A good one published after them arrives, so the bad ones were seen first.
        a.replicator.publish(spec("web", "127.0.0.1:7003", "round-robin"), true);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.running.containsKey("web"));

        assertThat(b.running.get("kv").routes().getFirst().policy().cliName()).isEqualTo("round-robin");
        assertThat(b.running).doesNotContainKeys("process-kv1", "torn");
        assertThat(b.replicator.current("kv").orElseThrow().epoch()).isLessThan(epoch);
        assertThatThrownBy(() -> SharedFrontendCodec.decode(naming.lookup(SharedFrontendCodec.PREFIX + "kv").orElseThrow()))
                .hasMessageContaining("naming switchconfig/frontend/kv").hasMessageContaining("policy");
    }

    @Test
    void shouldCarryASpecLargerThanOneAttributeInPieces() throws Exception {
        StringBuilder routes = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            routes.append(i == 0 ? "" : ",").append("{\"match\": {\"pathPrefix\": \"/path-number-").append(i)
                    .append("-with-some-length\"}, \"backends\": \"label:app=application-").append(i).append("\"}");
        }
        FrontendSpec big = FrontendSpecJson.parse(JSON.readTree("{\"name\": \"big\", \"listen\": \"127.0.0.1:8080\","
                + " \"protocol\": \"http\", \"mode\": \"content\", \"routes\": [" + routes + "]}"), "test", "");
        NamingEntry e = SharedFrontendCodec.encode(new SharedFrontend("big", 5, big, true, "s1"), "s1");
        assertThat(e.attributes()).containsKeys("spec.0", "spec.1");

        assertThat(SharedFrontendCodec.decode(e).spec()).isEqualTo(big);
    }
}
