package dev.caravan.systemtests;

import dev.caravan.client.KvFiller;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Clones run on their own; redis-benchmark keeps running, error-free, across a migration. */
@Tag("slow")
class CloneAndLoadTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static MigrationReport move(String name, String to, MigrationMode mode, boolean clone, String newName) {
        return NodeControl.migrate(cluster.client().resolve(name).orElseThrow().control(), "",
                new MigrationRequest(name, to, mode, 50, 30, 2, clone, newName, ""), p -> { }, Duration.ofMinutes(2));
    }

    @Test
    void shouldForkAnIndependentCopyWithTheSameState() throws Exception {
        ProcessInfo kv = cluster.deployKv("orig", "n1");
        KvFiller.fill(CaravanCluster.dataAddress(kv), 5_000, 100);
        assertThat(cluster.client().call("orig", "SET", "shared", "before")).isEqualTo(Reply.OK);
        MigrationReport r = move("orig", "n3", MigrationMode.PRE_COPY, true, "copy");
        assertThat(r.outcome().label()).isEqualTo("cloned");
        assertThat(cluster.client().resolve("copy").orElseThrow().node()).isEqualTo("n3");
        assertThat(cluster.client().resolve("orig").orElseThrow().node()).isEqualTo("n1");
        assertThat(cluster.client().call("copy", "GET", "shared")).isEqualTo(Reply.bulk("before"));
        assertThat(cluster.client().call("copy", "DBSIZE")).isEqualTo(cluster.client().call("orig", "DBSIZE"));
        cluster.client().call("copy", "SET", "shared", "copy-only");
        cluster.client().call("orig", "SET", "mine", "orig-only");
        assertThat(cluster.client().call("orig", "GET", "shared")).isEqualTo(Reply.bulk("before"));
        assertThat(cluster.client().call("copy", "GET", "mine")).isEqualTo(Reply.NIL);
        assertThat(cluster.control("n3").inspect("copy").id()).isNotEqualTo(cluster.control("n1").inspect("orig").id());
        assertThatThrownBy(() -> move("orig", "n2", MigrationMode.POST_COPY, true, "bad"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.getMessage()).contains("stop-and-copy or pre-copy"));
        cluster.control("n1").stop("orig");
        cluster.control("n3").stop("copy");
    }

    @Test
    void shouldKeepRedisBenchmarkErrorFreeAcrossAMigration() throws Exception {
        ProcessInfo kv = cluster.deployKv("bench", "n1");
        String port = kv.front().substring(kv.front().lastIndexOf(':') + 1);
        Process bench = new ProcessBuilder("redis-benchmark", "-p", port, "-t", "set,get", "-n", "300000", "-c", "20",
                "-r", "10000", "--csv").redirectErrorStream(true).start();
        try (RespConnection probe = new RespConnection(CaravanCluster.dataAddress(kv))) {
            await().atMost(20, TimeUnit.SECONDS).until(() -> probe.call("DBSIZE") instanceof Reply.Int n && n.value() > 1000);
        }
        MigrationReport r = move("bench", "n2", MigrationMode.PRE_COPY, false, "");
        assertThat(r.outcome().label()).isEqualTo("committed");
        List<String> out;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(bench.getInputStream(), StandardCharsets.UTF_8))) {
            out = reader.lines().toList();
        }
        assertThat(bench.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(bench.exitValue()).as(String.join("\n", out)).isZero();
        assertThat(out).noneMatch(l -> l.contains("ERR") || l.contains("Error") || l.contains("MOVED"));
        assertThat(out).anyMatch(l -> l.startsWith("\"SET\"")).anyMatch(l -> l.startsWith("\"GET\""));
        assertThat(cluster.client().resolve("bench").orElseThrow().node()).isEqualTo("n2");
        cluster.control("n2").stop("bench");
    }
}
