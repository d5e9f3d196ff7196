package dev.caravan.naming.zk;

import dev.caravan.naming.EventRecorder;
import dev.caravan.naming.Lease;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static dev.caravan.naming.NamingServiceContract.assertCode;
import static dev.caravan.naming.NamingServiceContract.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Naming on a three-server ensemble (ticks of {@value ZkTesting#TICK_MS} ms) while servers fail:
 * what survives a leader's death, what a lost quorum does to calls and leases, what an expired
 * session leaves behind, and that concurrent writers are fenced. Killed servers are restarted
 * after each test.
 */
class ZkEnsembleTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestingCluster cluster;
    private final List<InstanceSpec> killed = new ArrayList<>();
    private final List<ZkNamingService> services = new ArrayList<>();
    private String chroot;

    @BeforeAll
    static void startEnsemble() throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int id = 1; id <= 3; id++) {
            specs.add(new InstanceSpec(null, -1, -1, -1, true, id, ZkTesting.TICK_MS, -1));
        }
        cluster = new TestingCluster(specs);
        cluster.start();
    }

    @AfterAll
    static void stopEnsemble() throws IOException {
        cluster.close();
    }

    @AfterEach
    void restore() throws Exception {
        for (ZkNamingService s : services) {
            s.close();
        }
        boolean restarted = !killed.isEmpty();
        restartKilled();
        if (restarted) {
            await().atMost(WAIT).until(() -> leader() != null);
        }
    }

    private ZkNamingService service(TestInfo info, Duration timeout) {
        chroot = "/ensemble/" + info.getTestMethod().orElseThrow().getName();
        ZkNamingService s = new ZkNamingService(cluster.getConnectString(), chroot, timeout);
        services.add(s);
        return s;
    }

    @Test
    void shouldKeepLeaseEntriesAndWatchesWhenTheLeaderDies(TestInfo info) throws Exception {
        ZkNamingService node = service(info, Duration.ofSeconds(3));
        ZkNamingService observer = service(info, Duration.ofSeconds(3));
        EventRecorder rec = new EventRecorder();
        observer.watch("", rec);
        Lease lease = node.openLease("node/n1", 4000);
        node.register(lease.id(), entry("node/n1", 1));
        node.register(lease.id(), entry("process/a", 1));
        await().atMost(WAIT).until(() -> rec.events.size() == 2);

        InstanceSpec oldLeader = leader();
        kill(oldLeader);
        await().atMost(WAIT).until(() -> {
            InstanceSpec l = leader();
            return l != null && !l.equals(oldLeader);
        });

        // The holder keeps renewing through the election; the session moves to a live server.
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).ignoreExceptionsMatching(ZkEnsembleTest::transientFailure)
                .until(() -> {
                    node.renew(lease.id());
                    node.register(lease.id(), entry("process/b", 1));
                    return true;
                });
        node.renew(lease.id());
        assertThat(node.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(lease.id());
        assertThat(node.list("process/")).extracting(NamingEntry::name).containsExactly("process/a", "process/b");
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary()).endsWith("PUT process/b@1"));
        assertThat(rec.summary()).doesNotContain("REMOVED node/n1@1", "REMOVED process/a@1");
    }

    @Test
    void shouldFailCallsWithinTheTimeoutWithoutQuorumAndEndTheLeaseOnceItsTimeoutPassed(TestInfo info) throws Exception {
        ZkNamingService node = service(info, Duration.ofSeconds(1));
        Lease lease = node.openLease("node/n1", 4000);
        node.register(lease.id(), entry("node/n1", 1));
        InstanceSpec survivor = cluster.getInstances().iterator().next();
        for (InstanceSpec s : cluster.getInstances()) {
            if (!s.equals(survivor)) {
                kill(s);
            }
        }
        await().atMost(WAIT).until(() -> !serving(survivor));

        // The lease's own calls first, while it is younger than its timeout: UNAVAILABLE or TIMEOUT, never a hang.
        assertFailsWithin(() -> node.renew(lease.id()), ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
        assertFailsWithin(() -> node.register(lease.id(), entry("process/a", 1)), ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
        assertFailsWithin(() -> node.lookup("node/n1"), ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
        assertFailsWithin(() -> node.list(""), ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT);
        assertFailsWithin(() -> node.unregister(lease.id(), "node/n1", 1), ErrorCode.UNAVAILABLE, ErrorCode.TIMEOUT,
                ErrorCode.LEASE_EXPIRED);
        // Cut off longer than its timeout, the lease is over for its holder even before the ensemble can say so.
        await().atMost(WAIT).untilAsserted(() -> assertCode(() -> node.renew(lease.id()), ErrorCode.LEASE_EXPIRED));

        restartKilled();
        await().atMost(WAIT).ignoreExceptionsMatching(ZkEnsembleTest::transientFailure)
                .until(() -> node.lookup("node/n1").isEmpty());
        assertCode(() -> node.renew(lease.id()), ErrorCode.LEASE_EXPIRED);
        Lease fresh = node.openLease("node/n1", 4000);
        node.register(fresh.id(), entry("node/n1", 1));
        assertThat(node.lookup("node/n1")).get().extracting(NamingEntry::leaseId).isEqualTo(fresh.id());
    }

    @Test
    void shouldRemoveTheEntriesOfAnExpiredSessionAndLetANewLeaseTakeThem(TestInfo info) {
        ZkNamingService node = service(info, Duration.ofSeconds(3));
        ZkNamingService observer = service(info, Duration.ofSeconds(3));
        EventRecorder rec = new EventRecorder();
        observer.watch("process/", rec);
        Lease lease = node.openLease("node/n1", 1000);
        node.register(lease.id(), entry("process/x", 1));
        node.register(lease.id(), entry("process/y", 1));
        await().atMost(WAIT).until(() -> rec.events.size() == 2);

        node.leaseHandle(lease.id()).getTestable().injectSessionExpiration();

        assertCode(() -> node.renew(lease.id()), ErrorCode.LEASE_EXPIRED);
        assertCode(() -> node.register(lease.id(), entry("process/z", 1)), ErrorCode.LEASE_EXPIRED);
        // The ensemble expires the session once its timeout passes without the client, deleting its entries.
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary()).hasSize(4)
                .containsOnlyOnce("REMOVED process/x@1", "REMOVED process/y@1"));
        Lease fresh = node.openLease("node/n1", 1000);
        node.register(fresh.id(), entry("process/x", 1));
        node.register(fresh.id(), entry("process/y", 1));
        assertThat(node.list("process/")).extracting(NamingEntry::leaseId).containsOnly(fresh.id());
        await().atMost(WAIT).untilAsserted(() -> assertThat(rec.summary()).hasSize(6));
    }

    @Test
    void shouldLetExactlyOneOfTwoSessionsWinEachRaceAndNeverLetAStaleEpochWin(TestInfo info) throws Exception {
        ZkNamingService a = service(info, Duration.ofSeconds(5));
        ZkNamingService b = service(info, Duration.ofSeconds(5));
        Lease la = a.openLease("a", 4000);
        Lease lb = b.openLease("b", 4000);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 30; round++) {
                a.renew(la.id());
                b.renew(lb.id());
                String name = "race/" + round;
                ErrorCode[] sameEpoch = race(two, () -> a.register(la.id(), entry(name, 1)), () -> b.register(lb.id(), entry(name, 1)));
                assertThat(Arrays.stream(sameEpoch).filter(c -> c == null).count()).as("winners of %s", name).isEqualTo(1);
                assertThat(sameEpoch).containsOnlyOnce(ErrorCode.ALREADY_EXISTS);
                long winner = sameEpoch[0] == null ? la.id() : lb.id();
                assertThat(a.lookup(name)).get().extracting(NamingEntry::leaseId).isEqualTo(winner);

                String fenced = "fence/" + round;
                a.register(la.id(), entry(fenced, 4));
                ErrorCode[] epochs = race(two, () -> a.register(la.id(), entry(fenced, 5)), () -> b.register(lb.id(), entry(fenced, 6)));
                assertThat(epochs[0]).isIn(null, ErrorCode.STALE_EPOCH);
                assertThat(epochs[1]).isNull();
                assertThat(b.lookup(fenced)).get().satisfies(e -> {
                    assertThat(e.epoch()).isEqualTo(6);
                    assertThat(e.leaseId()).isEqualTo(lb.id());
                });
            }
        } finally {
            two.shutdownNow();
        }
    }

    /** The call fails with one of {@code codes} within the service's 1 s timeout (and some slack for a loaded machine). */
    private static void assertFailsWithin(Runnable call, ErrorCode... codes) {
        long start = System.nanoTime();
        assertThatThrownBy(call::run).isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isIn((Object[]) codes));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1000 + 700));
    }

    /** Runs both at once; the code each failed with, or null for success. */
    private static ErrorCode[] race(ExecutorService pool, Runnable first, Runnable second) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<ErrorCode>> results = new ArrayList<>();
        for (Runnable r : List.of(first, second)) {
            Callable<ErrorCode> c = () -> {
                start.await(10, TimeUnit.SECONDS);
                try {
                    r.run();
                    return null;
                } catch (CaravanException e) {
                    return e.code();
                }
            };
            results.add(pool.submit(c));
        }
        return new ErrorCode[]{results.get(0).get(30, TimeUnit.SECONDS), results.get(1).get(30, TimeUnit.SECONDS)};
    }

    private static boolean transientFailure(Throwable t) {
        return t instanceof CaravanException e && (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT);
    }

    private void kill(InstanceSpec s) throws Exception {
        assertThat(cluster.killServer(s)).isTrue();
        killed.add(s);
    }

    private void restartKilled() throws Exception {
        for (InstanceSpec s : killed) {
            cluster.restartServer(s);
        }
        killed.clear();
    }

    /** The server that says it leads ({@code srvr}, ZooKeeper's one four-letter word allowed by default), or null. */
    private InstanceSpec leader() {
        for (InstanceSpec s : cluster.getInstances()) {
            if (!killed.contains(s) && "leader".equals(mode(s))) {
                return s;
            }
        }
        return null;
    }

    private boolean serving(InstanceSpec s) {
        String m = mode(s);
        return m != null && !m.isEmpty();
    }

    /** The {@code Mode:} line of {@code srvr}, "" when the server answers but does not serve, null when unreachable. */
    private static String mode(InstanceSpec s) {
        Supplier<String> none = () -> null;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", s.getPort()), 1000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            out.write("srvr".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
            for (String line : reply.split("\n")) {
                if (line.startsWith("Mode: ")) {
                    return line.substring("Mode: ".length()).trim();
                }
            }
            return "";
        } catch (IOException e) {
            return none.get();
        }
    }
}
