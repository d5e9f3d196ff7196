package dev.caravan.systemtests.faults;

import dev.caravan.client.Location;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A node cut off from the network (not killed) fences itself: within its lease term it stops
 * answering for its processes — asked from inside its own host, the only place that can still
 * reach it — while naming lets its entries go. A process the operator starts elsewhere meanwhile
 * is not answered for by the node after it comes back; the process nobody took is served by it
 * again; no acknowledged write is lost. Naming on h1, n1 (the one cut off) on h2, n2 on h3.
 *
 * <p>Run on both namings: the embedded daemon and one ZooKeeper server (on h1), whose maximum
 * session timeout is above the lease or (a 40 ms tick) below it. On ZooKeeper the
 * lease is the node's session: the cut node's session must end at the server (its ephemeral
 * entries vanish, seen by a watch from the test JVM), and the node must have refused before that
 * moment — the safety property (nobody else can own its processes before naming lets them go).
 * The node is asked every 5 ms on one connection from inside its host ({@link InHostPoller}); its
 * first refusal is timed when the answer came (no earlier than the refusal), naming's removal at the
 * watch's event (no earlier than the removal); both are printed.
 */
@Tag("slow")
class PartitionedNodeFencesItselfTest {
    private static final long LEASE_MS = 1500;
    private static final Duration ASK = Duration.ofMillis(1500);

    @BeforeAll
    static void needsHosts() {
        assumeTrue(NetHosts.available(), NetHosts.unavailableReason());
    }

    /** Which naming the cluster runs on. */
    enum Naming {
        EMBEDDED,
        ZOOKEEPER,
        /**
         * ZooKeeper with a 40 ms tick: its server grants sessions of at most 20 ticks, 800 ms, less than the
         * asked lease; the node must fence on the granted term.
         */
        ZOOKEEPER_SHORT_SESSIONS
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Naming.class)
    void shouldStopAnsweringWithinItsLeaseWhenCutOffAndNotAnswerForWhatWasStartedElsewhereMeanwhile(Naming naming)
            throws Exception {
        CaravanCluster.Builder builder = CaravanCluster.aCluster().withNodes(2).withLeaseMs(LEASE_MS);
        if (naming == Naming.ZOOKEEPER) {
            builder.withZooKeeper();
        } else if (naming == Naming.ZOOKEEPER_SHORT_SESSIONS) {
            builder.withZooKeeper().withZooKeeperTickMs(40);
        }
        try (NetHosts hosts = NetHosts.create(3);
             CaravanCluster c = builder.onHosts(hosts).start();
             HostLink fault = new HostLink(c, hosts)) {
            KeptLogs.onFailure(c, fault, "partitioned-node-" + naming, () -> {
                ProcessInfo stays = c.deployKv("stays", "n1");
                ProcessInfo taken = c.deployKv("taken", "n1");
                InetSocketAddress staysAtN1 = CaravanCluster.dataAddress(stays);
                InetSocketAddress takenAtN1 = CaravanCluster.dataAddress(taken);
                RedirectingWriter staysWriters = new RedirectingWriter(() -> c.client().resolve("stays").map(Location::data), 2);
                await("writers under way").atMost(10, TimeUnit.SECONDS).until(() -> staysWriters.totalAcked() > 200);
                TestHost n1Host = fault.hostOf("n1");
                assertThat(InHostProbe.ask(n1Host, staysAtN1, ASK, "GET", "w:0:1")).as("asked inside %s before the cut", n1Host)
                        .isEqualTo("1");

                VanishClock vanish = new VanishClock(c.client().naming(), Set.of("node/n1", "process/stays", "process/taken"));
                // Asked every 5 ms from inside h2, on one connection, until it refuses; no answer with data may come from a
                // question asked once the lease term is over (naming may give the process to another node from then on).
                List<InHostPoller.Asked> asked;
                long cutNs;
                try (InHostPoller poller = InHostPoller.start(n1Host, staysAtN1, "w:0:1", Duration.ofMillis(5),
                        Duration.ofMillis(3 * LEASE_MS))) {
                    cutNs = System.nanoTime();
                    fault.cut("n1");
                    asked = poller.await();
                }
                List<String> seen = asked.stream().filter(a -> a.answeredNs() > cutNs - TimeUnit.MILLISECONDS.toNanos(50))
                        .map(a -> a.since(cutNs)).toList();
                InHostPoller.Asked refusal = InHostPoller.firstRefusal(asked).orElseThrow(() -> new AssertionError(
                        "n1 did not refuse within " + 3 * LEASE_MS + " ms of the cut (asked inside " + n1Host + "): " + seen));
                assertThat(refusal.answer()).as("n1's first refusal").startsWith("-TRYAGAIN");
                long servedAfterLeaseNs = cutNs + TimeUnit.MILLISECONDS.toNanos(LEASE_MS);
                assertThat(asked).as("answered after its lease term (%d ms): %s", LEASE_MS, seen)
                        .noneMatch(a -> a.served() && a.sentNs() >= servedAfterLeaseNs);
                long fencedAfterMs = TimeUnit.NANOSECONDS.toMillis(refusal.answeredNs() - cutNs);
                long lastServedMs = asked.stream().filter(InHostPoller.Asked::served)
                        .mapToLong(a -> TimeUnit.NANOSECONDS.toMillis(a.answeredNs() - cutNs)).max().orElse(Long.MIN_VALUE);
                assertThat(InHostProbe.ask(n1Host, takenAtN1, ASK, "GET", "k")).as("the other process, inside %s", n1Host)
                        .startsWith("TRYAGAIN");

                // No stale owner: naming lets the cut node's entries go with its lease (on ZooKeeper: the server ends
                // n1's session), and only after n1 refused.
                long goneMs = vanish.awaitAllGoneMs(cutNs, Duration.ofSeconds(10));
                vanish.close();
                // The invariant: no question that reached n1 after naming let its entries go was answered with data. (Not
                // "the first refusal came before": the poller runs in its own JVM and, on a loaded runner, was once not
                // scheduled for 800 ms after the cut, so its first question after the fence came after the entries had gone.)
                long goneNs = cutNs + TimeUnit.MILLISECONDS.toNanos(goneMs);
                assertThat(asked).as("n1 served a question sent after naming let its entries go %s (first refusal %d ms after the"
                        + " cut); asked %s", vanish.removedMs(cutNs), fencedAfterMs, seen)
                        .noneMatch(a -> a.served() && a.sentNs() >= goneNs);
                await("n1's entries expire in naming").atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> c.client().naming().lookup("node/n1").isEmpty() && c.client().resolve("stays").isEmpty()
                                && c.client().resolve("taken").isEmpty());
                assertThat(InHostProbe.ask(n1Host, staysAtN1, ASK, "GET", "w:0:1")).as("still cut off").startsWith("TRYAGAIN");

                // The operator starts "taken" again on n2 while n1 is unreachable.
                ProcessInfo takenAtN2 = c.deployKv("taken", "n2");
                RedirectingWriter takenWriters = new RedirectingWriter(() -> c.client().resolve("taken").map(Location::data), 2);
                await("writers of taken at n2").atMost(10, TimeUnit.SECONDS).until(() -> takenWriters.totalAcked() > 200);

                fault.restore("n1");
                await("n1 back in naming").atMost(10, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(50))
                        .until(() -> c.client().naming().lookup("node/n1").isPresent());
                OwnershipProbe.Snapshot staysOwner = new OwnershipProbe(c.client(), c.local().nodeControls(), "stays",
                        List.of(staysAtN1)).awaitExactlyOneOwner("w:0:1", Duration.ofSeconds(10));
                assertThat(staysOwner.owner()).as("stays: %s", staysOwner).contains("n1");
                OwnershipProbe.Snapshot takenOwner = new OwnershipProbe(c.client(), c.local().nodeControls(), "taken",
                        List.of(takenAtN1, CaravanCluster.dataAddress(takenAtN2))).awaitExactlyOneOwner("w:0:1", Duration.ofSeconds(10));
                assertThat(takenOwner.owner()).as("taken: %s", takenOwner).contains("n2");
                assertThat(InHostProbe.ask(n1Host, takenAtN1, ASK, "GET", "w:0:1")).as("n1's old copy of taken, asked inside %s",
                        n1Host).doesNotStartWith("1");

                long staysBefore = staysWriters.totalAcked();
                long takenBefore = takenWriters.totalAcked();
                await("writers go on").atMost(10, TimeUnit.SECONDS)
                        .until(() -> staysWriters.totalAcked() > staysBefore + 100 && takenWriters.totalAcked() > takenBefore + 100);
                staysWriters.stop();
                takenWriters.stop();
                staysWriters.assertNothingLost(staysOwner.naming().orElseThrow().data());
                takenWriters.assertNothingLost(takenOwner.naming().orElseThrow().data());
                System.out.printf("%s: n1 last served %d ms and first refused %d ms after its link was cut, naming let its entries go"
                        + " %d ms after (%s; lease %d ms); stays writers saw %s, taken writers saw %s%n", naming, lastServedMs,
                        fencedAfterMs, goneMs, vanish.removedMs(cutNs),
                        LEASE_MS, staysWriters.seen(), takenWriters.seen());
            });
        }
    }
}
