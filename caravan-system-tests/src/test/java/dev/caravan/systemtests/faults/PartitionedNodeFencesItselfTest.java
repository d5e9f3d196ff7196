package dev.caravan.systemtests.faults;

import dev.caravan.client.Location;
import dev.caravan.launch.net.NetHosts;
import dev.caravan.launch.net.TestHost;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
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
 */
@Tag("slow")
class PartitionedNodeFencesItselfTest {
    private static final long LEASE_MS = 1500;
    private static final Duration ASK = Duration.ofMillis(1500);

    @BeforeAll
    static void needsHosts() {
        assumeTrue(NetHosts.available(), NetHosts.unavailableReason());
    }

    @Test
    void shouldStopAnsweringWithinItsLeaseWhenCutOffAndNotAnswerForWhatWasStartedElsewhereMeanwhile() throws Exception {
        try (NetHosts hosts = NetHosts.create(3);
             CaravanCluster c = CaravanCluster.aCluster().onHosts(hosts).withNodes(2).withLeaseMs(LEASE_MS).start();
             HostLink fault = new HostLink(c, hosts)) {
            KeptLogs.onFailure(c, fault, "partitioned-node", () -> {
                ProcessInfo stays = c.deployKv("stays", "n1");
                ProcessInfo taken = c.deployKv("taken", "n1");
                InetSocketAddress staysAtN1 = CaravanCluster.dataAddress(stays);
                InetSocketAddress takenAtN1 = CaravanCluster.dataAddress(taken);
                RedirectingWriter staysWriters = new RedirectingWriter(() -> c.client().resolve("stays").map(Location::data), 2);
                await("writers under way").atMost(10, TimeUnit.SECONDS).until(() -> staysWriters.totalAcked() > 200);
                TestHost n1Host = fault.hostOf("n1");
                assertThat(InHostProbe.ask(n1Host, staysAtN1, ASK, "GET", "w:0:1")).as("asked inside %s before the cut", n1Host)
                        .isEqualTo("1");

                long cutNs = System.nanoTime();
                fault.cut("n1");
                // Asked again and again from inside h2 until it refuses; no answer with data may come from a question
                // asked once the lease term is over (naming may give the process to another node from then on).
                List<String> asked = new java.util.ArrayList<>();
                long[] fencedAfterMs = {-1};
                await("n1 fences itself (asked from inside its host)").atMost(2 * LEASE_MS, TimeUnit.MILLISECONDS)
                        .pollInterval(Duration.ofMillis(20)).until(() -> {
                            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cutNs);
                            String answer = InHostProbe.ask(n1Host, staysAtN1, ASK, "GET", "w:0:1");
                            asked.add(startMs + " ms: " + answer);
                            assertThat(answer.startsWith("TRYAGAIN") || startMs < LEASE_MS)
                                    .as("answered after its lease term (%d ms): %s", LEASE_MS, asked).isTrue();
                            if (answer.startsWith("TRYAGAIN")) {
                                fencedAfterMs[0] = startMs;
                                return true;
                            }
                            return false;
                        });
                assertThat(InHostProbe.ask(n1Host, takenAtN1, ASK, "GET", "k")).as("the other process, inside %s", n1Host)
                        .startsWith("TRYAGAIN");

                // No stale owner: naming lets the cut node's entries go with its lease.
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
                System.out.printf("n1 refused %d ms after its link was cut (lease %d ms); stays writers saw %s, taken writers saw %s%n",
                        fencedAfterMs[0], LEASE_MS, staysWriters.seen(), takenWriters.seen());
            });
        }
    }
}
