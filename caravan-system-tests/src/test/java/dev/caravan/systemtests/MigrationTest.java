package dev.caravan.systemtests;

import dev.caravan.client.KvFiller;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.AckedWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every migration mode under load through the stable endpoint: nothing fails, nothing is lost. */
@Tag("slow")
class MigrationTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    static MigrationReport migrate(CaravanCluster c, String name, String to, MigrationMode mode, String fault) {
        InetSocketAddress at = c.client().resolve(name).orElseThrow().control();
        return NodeControl.migrate(at, "", new MigrationRequest(name, to, mode, 50, 30, 2, false, "", fault), p -> { },
                Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @EnumSource(MigrationMode.class)
    void shouldMoveARunningProcessWithoutFailingOrLosingAnyAcknowledgedWrite(MigrationMode mode) throws Exception {
        String name = "kv-" + mode.label();
        ProcessInfo kv = cluster.deployKv(name, "n1");
        KvFiller.fill(CaravanCluster.dataAddress(kv), 20_000, 200);
        long epochBefore = kv.epoch();
        MigrationReport report;
        AckedWriter writers = new AckedWriter(CaravanCluster.frontAddress(kv), 4);
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 200);
            report = migrate(cluster, name, "n2", mode, "");
            long ackedAtCommit = writers.totalAcked();
            await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > ackedAtCommit + 200
                    || !writers.failures().isEmpty());
            writers.stop();
            assertThat(writers.failures()).isEmpty();
            assertThat(report.outcome().label()).isEqualTo("committed");
            assertThat(report.epoch()).isEqualTo(epochBefore + 1);
            assertThat(cluster.client().resolve(name).orElseThrow().node()).isEqualTo("n2");
            assertThat(cluster.control("n1").list()).noneMatch(p -> p.name().equals(name));
            assertThat(cluster.control("n2").inspect(name).state()).isEqualTo("RUNNING");
            writers.assertNothingLost(CaravanCluster.frontAddress(kv));
        } finally {
            writers.stop();
        }
        if (mode == MigrationMode.POST_COPY) {
            // Every page is left for after the resume. (Hybrid leaves only what was dirty at the freeze,
            // which is nothing when the writers happened not to write during its last round.)
            assertThat(report.pagesPushedAfterResume() + report.pagesFetchedOnDemand()).isPositive();
        }
        try (RespConnection c = new RespConnection(CaravanCluster.frontAddress(kv))) {
            assertThat(c.call("GET", "key:19999")).isInstanceOf(Reply.Bulk.class);
            assertThat(c.call("DBSIZE")).isInstanceOf(Reply.Int.class);
        }
        // The old data endpoint answers MOVED; the client library follows the move.
        try (RespConnection old = new RespConnection(CaravanCluster.dataAddress(kv))) {
            assertThat(old.call("GET", "key:1")).isInstanceOfSatisfying(Reply.Error.class,
                    e -> assertThat(e.text()).startsWith("MOVED " + (epochBefore + 1)));
        }
        assertThat(cluster.client().call(name, "GET", "key:7")).isInstanceOf(Reply.Bulk.class);
        cluster.control("n2").stop(name);
    }
}
