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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A cluster whose naming is one real ZooKeeper server (its own JVM, no naming JVM): deploy, call,
 * a pre-copy migration under writers, the CLI, and every daemon's metrics.
 */
@Tag("slow")
class ZkClusterTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withZooKeeper().withNodes(2).withSwitch().withLeaseMs(2000).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void shouldRunOnZooKeeperWithoutANamingJvm() {
        assertThat(cluster.namingSpec().isZooKeeper()).isTrue();
        assertThat(cluster.zooKeeperJvms()).hasSize(1).allMatch(j -> j.isAlive());
        assertThatThrownBy(() -> cluster.namingAddress()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ZooKeeper").hasMessageContaining("namingSpec()");
        assertThat(cluster.zooKeeperLeader()).hasValue(0);
        assertThat(cluster.client().nodes()).containsOnlyKeys("n1", "n2");
    }

    @Test
    void shouldMigrateARunningProcessWithoutLosingAnAcknowledgedWrite() throws Exception {
        ProcessInfo kv = cluster.deployKv("zk-kv", "n1");
        assertThat(cluster.client().call("zk-kv", "SET", "greeting", "hi")).isEqualTo(Reply.OK);
        KvFiller.fill(CaravanCluster.dataAddress(kv), 5_000, 200);
        AckedWriter writers = new AckedWriter(CaravanCluster.frontAddress(kv), 4);
        try {
            await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 200);
            InetSocketAddress at = cluster.client().resolve("zk-kv").orElseThrow().control();
            MigrationReport report = NodeControl.migrate(at, "", new MigrationRequest("zk-kv", "n2", MigrationMode.PRE_COPY, 50, 30, 2,
                    false, "", ""), p -> { }, Duration.ofMinutes(2));
            long ackedAtCommit = writers.totalAcked();
            await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > ackedAtCommit + 200
                    || !writers.failures().isEmpty());
            writers.stop();
            assertThat(writers.failures()).isEmpty();
            assertThat(report.outcome().label()).isEqualTo("committed");
            assertThat(report.epoch()).isEqualTo(kv.epoch() + 1);
            assertThat(cluster.client().resolve("zk-kv").orElseThrow().node()).isEqualTo("n2");
            writers.assertNothingLost(CaravanCluster.frontAddress(kv));
        } finally {
            writers.stop();
        }
        assertThat(cluster.client().call("zk-kv", "GET", "greeting"))
                .isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("hi"));
    }

    @Test
    void shouldListProcessesAndNodesWithTheCliOnZooKeeper() {
        cluster.deployKv("zk-cli", "n2");
        String naming = cluster.namingSpec().toString();

        CliRun.Result ps = CliRun.run("ps", "--naming", naming);
        assertThat(ps.exitCode()).isZero();
        assertThat(ps.out()).contains("zk-cli").contains("n2");

        CliRun.Result nodes = CliRun.run("nodes", "--naming", naming);
        assertThat(nodes.exitCode()).isZero();
        assertThat(nodes.out()).contains("n1").contains("n2").contains("READY");

        CliRun.Result call = CliRun.run("call", "--naming", naming, "zk-cli", "SET", "a", "1");
        assertThat(call.exitCode()).isZero();
        assertThat(CliRun.run("describe", "--naming", naming, "zk-cli").exitCode()).isZero();

        CliRun.Result bad = CliRun.run("ps", "--naming", "zk://127.0.0.1:99999");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err().lines().filter(l -> !l.isBlank()).toList()).hasSize(1).first().asString()
                .contains("99999").contains("zk://");
    }

    @Test
    void shouldServeEveryDaemonsMetricsOnZooKeeper() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (InetSocketAddress admin : cluster.local().nodeAdmins().values()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + admin.getHostString() + ":"
                    + admin.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).containsPattern("(?m)^caravan_node_lease_owned\\{[^}]*} 1\\.0$");
        }
        InetSocketAddress sw = cluster.local().switchMetrics();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + sw.getHostString() + ":" + sw.getPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("caravan_switch_frontends");
    }
}
