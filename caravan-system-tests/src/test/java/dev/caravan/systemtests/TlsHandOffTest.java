package dev.caravan.systemtests;

import dev.caravan.naming.NamingEntry;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A TLS cluster whose nodes run {@code --tls DIR} only (no {@code --resp-tls}): when a kv process
 * migrates, the session its source node hands to the destination (a client blocked in BLPOP
 * through the process's stable endpoint) goes over a TLS session link to the destination's
 * RESP-over-TLS front, never to its plaintext data port, and the client keeps working: it is
 * served after the move and its connection serves on.
 */
class TlsHandOffTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).withTls().start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String detail(String node, String name) {
        return cluster.control(node).inspect(name).stateDetail();
    }

    @Test
    void aBlockedClientsSessionIsHandedOffOverTlsAndItKeepsWorking() throws Exception {
        String name = "tls-queue";
        ProcessInfo kv = cluster.deployKv(name, "n1");
        NamingEntry before = cluster.client().naming().lookup("process/" + name).orElseThrow();
        assertThat(before.attributes()).as("--tls alone opens the TLS front").containsKey("tls-port");
        try (RespConnection worker = new RespConnection(CaravanCluster.frontAddress(kv));
             RespConnection producer = new RespConnection(CaravanCluster.frontAddress(kv))) {
            assertThat(producer.call("SET", "k", "before")).isEqualTo(Reply.OK);
            CompletableFuture<Reply> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return worker.call("BLPOP", "jobs", "0");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            await().atMost(Duration.ofSeconds(10)).until(() -> detail("n1", name).startsWith("1 client blocked"));

            MigrationReport report = MigrationTest.migrate(cluster, name, "n2", MigrationMode.PRE_COPY, "");
            assertThat(report.outcome().label()).isEqualTo("committed");
            await().atMost(Duration.ofSeconds(10)).until(() -> detail("n2", name).startsWith("1 client blocked"));
            assertThat(job).as("still waiting after the move").isNotDone();

            // The blocked batch was handed off by n1 and waits at n2: over a link to n2's TLS port. Every
            // connection to n2's plaintext data port is the TLS front's own relay leg (one per TLS connection),
            // so none came there directly.
            NamingEntry after = cluster.client().naming().lookup("process/" + name).orElseThrow();
            assertThat(after.node()).isEqualTo("n2");
            int tlsPort = Integer.parseInt(after.attributes().get("tls-port"));
            int tlsLinks = establishedTo(tlsPort);
            assertThat(tlsLinks).as("the hand-off's session link to n2's TLS port").isPositive();
            assertThat(establishedTo(after.port())).as("no plaintext link to n2's data port").isEqualTo(tlsLinks);

            assertThat(producer.call("LPUSH", "jobs", "job-1")).isEqualTo(Reply.integer(1));
            assertThat(job.get(10, TimeUnit.SECONDS)).isEqualTo(new Reply.Array(List.of(Reply.bulk("jobs"), Reply.bulk("job-1"))));
            assertThat(worker.call("GET", "k")).as("the worker's connection serves on").isEqualTo(Reply.bulk("before"));
            assertThat(worker.call("BLPOP", "jobs", "0.1")).isEqualTo(Reply.NIL_ARRAY);
        }
        cluster.control("n2").stop(name);
    }

    /** Established TCP connections to {@code port} on this machine ({@code ss}). */
    private static int establishedTo(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "( dport = :" + port + " )").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }
}
