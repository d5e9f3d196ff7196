package dev.caravan.systemtests;

import dev.caravan.naming.NamingConnections;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lease fence on ZooKeeper: a node frozen (SIGSTOP) longer than its lease loses its
 * ZooKeeper session, its entries vanish; thawed, it answers for none of its processes until it
 * holds a new session and has registered them again.
 */
@Tag("slow")
class ZkLeaseFenceTest {
    private static final long LEASE_MS = 2000;

    @Test
    void shouldFenceAFrozenNodeWhoseSessionExpiredAndRegisterAgainWhenItThaws() throws Exception {
        try (CaravanCluster cluster = CaravanCluster.aCluster().withZooKeeper().withNodes(2).withSwitch().withLeaseMs(LEASE_MS).start();
             NamingService naming = NamingConnections.connect(cluster.namingSpec(), "fence-test", "", Duration.ofSeconds(5))) {
            ProcessInfo kv = cluster.deployKv("frozen", "n1");
            InetSocketAddress data = CaravanCluster.dataAddress(kv);
            List<NamingEvent> removed = new CopyOnWriteArrayList<>();
            Watch watch = naming.watch("", e -> {
                if (e.kind() == NamingEvent.Kind.REMOVED) {
                    removed.add(e);
                }
            });
            try (watch; RespConnection resp = new RespConnection(data)) {
                assertThat(resp.call("SET", "k", "v")).isEqualTo(Reply.OK);
                long pid = cluster.node("n1").pid();
                long epoch = naming.lookup("process/frozen").orElseThrow().epoch();

                signal("STOP", pid);
                CompletableFuture<Reply> askedWhileFrozen;
                try {
                    await("ZooKeeper expired the frozen node's session").atMost(Duration.ofSeconds(20))
                            .until(() -> names(removed).containsAll(List.of("process/frozen", "node/n1")));
                    assertThat(naming.lookup("process/frozen")).isEmpty();
                    assertThat(naming.lookup("node/n1")).isEmpty();
                    // Sent while the node is frozen: the first thing it reads when it thaws, before it can
                    // have a new session.
                    askedWhileFrozen = CompletableFuture.supplyAsync(() -> call(resp, "GET", "k"));
                    assertThat(askedWhileFrozen).isNotDone();
                } finally {
                    signal("CONT", pid);
                }
                assertThat(askedWhileFrozen.get(10, TimeUnit.SECONDS)).isInstanceOfSatisfying(Reply.Error.class,
                        e -> assertThat(e.text()).startsWith("TRYAGAIN"));

                await("the node registered its process again under a new session").atMost(Duration.ofSeconds(20))
                        .until(() -> naming.lookup("process/frozen").map(NamingEntry::node).orElse(""), "n1"::equals);
                NamingEntry again = naming.lookup("process/frozen").orElseThrow();
                assertThat(again.epoch()).isEqualTo(epoch);
                assertThat(naming.lookup("node/n1")).isPresent();
                await("serving again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> call(resp, "GET", "k"), r -> r instanceof Reply.Bulk b && b.text().equals("v"));
                assertThat(cluster.client().call("frozen", "GET", "k"))
                        .isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("v"));
                // No naming daemon on ZooKeeper: the switch said the node left.
                InetSocketAddress sw = cluster.local().switchMetrics();
                String events = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://" + sw.getHostString() + ":" + sw.getPort() + "/events?since=0")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertThat(events).contains("node-lost").contains("node n1 left");
            }
        }
    }

    private static List<String> names(List<NamingEvent> events) {
        return events.stream().map(e -> e.entry().name()).toList();
    }

    private static Reply call(RespConnection c, String... args) {
        try {
            return c.call(args);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }
}
