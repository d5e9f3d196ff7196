package dev.caravan.naming.zk;

import dev.caravan.naming.EventRecorder;
import dev.caravan.naming.Lease;
import dev.caravan.naming.LeaseInfo;
import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.net.ServerSocket;
import java.time.Duration;

import static dev.caravan.naming.NamingServiceContract.assertCode;
import static dev.caravan.naming.NamingServiceContract.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** What is particular to the ZooKeeper implementation: layout, negotiated timeouts, the watchdog, the connector. */
class ZkNamingServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestingServer server;
    private ZkNamingService naming;
    private String chroot;

    @BeforeAll
    static void startServer() throws Exception {
        server = ZkTesting.server();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    @BeforeEach
    void open(TestInfo info) {
        chroot = "/zk/" + info.getTestMethod().orElseThrow().getName();
        naming = new ZkNamingService(server.getConnectString(), chroot, Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        naming.close();
    }

    @Test
    void shouldKeepEntriesAsEphemeralZnodesOfTheLeasesSession() throws Exception {
        Lease lease = naming.openLease("node/n1", 2000);
        naming.register(lease.id(), entry("process/kv 1", 3));
        Stat stat = new Stat();
        byte[] data = naming.client().getData().storingStatIn(stat).forPath("/entries/process%2Fkv%201");
        assertThat(stat.getEphemeralOwner()).isEqualTo(lease.id());
        assertThat(data[0]).isEqualTo((byte) ZnodeData.FORMAT);
        assertThat(ZnodeData.entry(data)).isEqualTo(entry("process/kv 1", 3).withLeaseId(lease.id()));
        Stat leaseStat = naming.client().checkExists().forPath("/leases/" + lease.id());
        assertThat(leaseStat.getEphemeralOwner()).isEqualTo(lease.id());
        assertThat(ZnodeData.lease(naming.client().getData().forPath("/leases/" + lease.id())))
                .extracting(ZnodeData.LeaseData::holder, ZnodeData.LeaseData::ttlMs).containsExactly("node/n1", 2000L);
        assertThat(server.getConnectString()).isNotEmpty();
        assertThat(naming.toString()).endsWith(chroot);
    }

    @Test
    void shouldReportTheSessionTimeoutTheServerGrantedAsTheTtl() {
        // Ticks of 200 ms: the server grants 200..4000 ms (Curator's test server sets minSessionTimeout to one tick).
        assertThat(naming.openLease("short", 100).ttlMs()).isEqualTo(ZkTesting.TICK_MS);
        assertThat(naming.openLease("long", 60_000).ttlMs()).isEqualTo(20L * ZkTesting.TICK_MS);
        assertThat(naming.openLease("fits", 1500).ttlMs()).isEqualTo(1500);
        assertCode(() -> naming.openLease("tiny", 5), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void shouldEndALeaseWhoseHolderStopsRenewingEvenThoughTheClientStillPings() {
        EventRecorder rec = new EventRecorder();
        naming.watch("", rec);
        Lease silent = naming.openLease("silent", 400);
        Lease renewed = naming.openLease("renewed", 400);
        naming.register(silent.id(), entry("process/silent", 1));
        naming.register(renewed.id(), entry("process/renewed", 1));
        // Renew one lease every 100 ms for three of its TTLs; the other falls silent.
        await().during(Duration.ofMillis(1200)).atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            naming.renew(renewed.id());
            return naming.lookup("process/renewed").isPresent();
        });
        assertThat(naming.lookup("process/silent")).isEmpty();
        assertCode(() -> naming.renew(silent.id()), ErrorCode.LEASE_EXPIRED);
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary()).contains("REMOVED process/silent@1"));
    }

    @Test
    void shouldListEveryLeaseWithItsHolderTtlAndNames() {
        Lease a = naming.openLease("node/n1", 2000);
        Lease b = naming.openLease("switch/s1", 3000);
        naming.register(a.id(), entry("node/n1", 1));
        naming.register(a.id(), entry("process/a", 1));
        naming.register(b.id(), entry("switch/s1", 1));
        long before = System.currentTimeMillis();
        naming.renew(a.id());
        try (ZkNamingService other = new ZkNamingService(server.getConnectString(), chroot, Duration.ofSeconds(5))) {
            assertThat(other.leases()).extracting(LeaseInfo::holder, LeaseInfo::ttlMs, LeaseInfo::names).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple("node/n1", 2000L, java.util.List.of("node/n1", "process/a")),
                    org.assertj.core.groups.Tuple.tuple("switch/s1", 3000L, java.util.List.of("switch/s1")));
        }
        LeaseInfo mine = naming.leases().stream().filter(l -> l.id() == a.id()).findFirst().orElseThrow();
        assertThat(mine.renewedAtMs()).isBetween(before, System.currentTimeMillis());
        assertThat(mine.expiresAtMs()).isEqualTo(mine.renewedAtMs() + 2000);
    }

    @Test
    void shouldMoveAnEntryToANewerLeaseWithOnePutAndNoRemoved() {
        Lease source = naming.openLease("node/n1", 2000);
        Lease target = naming.openLease("node/n2", 2000);
        naming.register(source.id(), entry("process/kv", 1));
        EventRecorder rec = new EventRecorder();
        naming.watch("process/", rec);
        naming.register(target.id(), new NamingEntry("process/kv", "n2", "10.0.0.2", 7001, 2, java.util.Map.of()));
        await().atMost(WAIT).until(() -> !rec.events.isEmpty());
        naming.closeLease(source.id());
        naming.register(target.id(), entry("process/marker", 1));
        await().atMost(WAIT).until(() -> rec.events.size() == 2);
        assertThat(rec.summary()).containsExactly("PUT process/kv@2", "PUT process/marker@1");
        assertThat(rec.events.getFirst().entry().leaseId()).isEqualTo(target.id());
    }

    @Test
    void shouldBeFoundThroughNamingConnectionsForAZkSpec() {
        NamingSpec spec = NamingSpec.parse("zk://" + server.getConnectString() + "/zk/connector");
        try (NamingService viaSpi = NamingConnections.connect(spec, "node/n1", "", Duration.ofSeconds(5))) {
            assertThat(viaSpi).isInstanceOf(ZkNamingService.class);
            Lease lease = viaSpi.openLease("node/n1", 2000);
            viaSpi.register(lease.id(), entry("node/n1", 1));
            assertThat(viaSpi.lookup("node/n1")).isPresent();
        }
    }

    @Test
    void shouldFailWithUnavailableWithinTheTimeoutWhenNoServerAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        int closedPort = port;
        assertThatThrownBy(() -> new ZkNamingService("127.0.0.1:" + closedPort, "/caravan", Duration.ofMillis(1500)))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                    assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort).doesNotContain("\n");
                });
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
}
