package dev.caravan.systemtests.hosts;

import dev.caravan.client.NodeControl;
import dev.caravan.launch.DaemonPlace;
import dev.caravan.launch.Placement;
import dev.caravan.naming.NamingEntry;
import dev.caravan.testsupport.AckedWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link Placement} without namespaces: naming and the switch on 127.0.0.2, n1 on 127.0.0.3,
 * n2 on 127.0.0.4 (all loopback, so any machine runs it). Every address the cluster advertises
 * must be the daemon's own, never 127.0.0.1.
 */
@Tag("slow")
class PlacementOnLoopbackTest {
    private static final DaemonPlace H1 = new DaemonPlace("h1", List.of(), "127.0.0.2");
    private static final DaemonPlace H2 = new DaemonPlace("h2", List.of(), "127.0.0.3");
    private static final DaemonPlace H3 = new DaemonPlace("h3", List.of(), "127.0.0.4");

    @Test
    void shouldAdvertiseEveryDaemonAtItsPlacedAddressAndMigrateBetweenThem() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withSwitch()
                .withPlacement(Placement.spread(List.of(H1, H2, H3))).start()) {
            assertThat(c.namingAddress().getHostString()).isEqualTo("127.0.0.2");
            assertThat(c.controlAddress("n1").getHostString()).isEqualTo("127.0.0.3");
            assertThat(c.controlAddress("n2").getHostString()).isEqualTo("127.0.0.4");
            assertThat(c.local().switchAdmin().getHostString()).isEqualTo("127.0.0.2");
            assertThat(c.client().naming().lookup("node/n1").orElseThrow().host()).isEqualTo("127.0.0.3");

            ProcessInfo kv = c.deployKv("kv", "n1");
            assertThat(kv.dataHost()).isEqualTo("127.0.0.3");
            assertThat(CaravanCluster.frontAddress(kv).getHostString()).isEqualTo("127.0.0.3");
            NamingEntry front = await().atMost(Duration.ofSeconds(20))
                    .until(() -> c.client().naming().lookup("front/kv"), e -> e.isPresent()).orElseThrow();
            assertThat(front.host()).isEqualTo("127.0.0.2");

            AckedWriter writers = new AckedWriter(new InetSocketAddress(front.host(), front.port()), 2);
            try {
                await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 100 || !writers.failures().isEmpty());
                MigrationReport report = NodeControl.migrate(c.controlAddress("n1"), "",
                        new MigrationRequest("kv", "n2", MigrationMode.PRE_COPY, 50, 30, 2, false, "", ""), p -> { },
                        Duration.ofMinutes(1));
                assertThat(report.outcome().label()).isEqualTo("committed");
                long atCommit = writers.totalAcked();
                await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > atCommit + 100
                        || !writers.failures().isEmpty());
                writers.stop();
                assertThat(writers.failures()).isEmpty();
                assertThat(c.control("n2").inspect("kv").dataHost()).isEqualTo("127.0.0.4");
                assertThat(c.client().naming().lookup("process/kv").orElseThrow().host()).isEqualTo("127.0.0.4");
                writers.assertNothingLost(new InetSocketAddress(front.host(), front.port()));
            } finally {
                writers.stop();
            }
        }
    }
}
