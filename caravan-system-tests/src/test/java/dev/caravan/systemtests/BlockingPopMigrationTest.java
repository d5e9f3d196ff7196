package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real node JVMs: a client blocked in BLPOP through the process's stable endpoint keeps waiting
 * while the process migrates, and is served by an LPUSH sent after the move (the BLPOP is
 * handed to the destination and starts its wait again there).
 */
@Tag("slow")
class BlockingPopMigrationTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static String detail(String node, String name) {
        return cluster.control(node).inspect(name).stateDetail();
    }

    @Test
    void shouldServeAClientBlockedThroughTheStableEndpointByAPushSentAfterTheProcessMigrated() throws Exception {
        String name = "queue";
        ProcessInfo kv = cluster.deployKv(name, "n1");
        try (RespConnection worker = new RespConnection(CaravanCluster.frontAddress(kv));
             RespConnection producer = new RespConnection(CaravanCluster.frontAddress(kv))) {
            assertThat(producer.call("RPUSH", "done", "earlier")).isEqualTo(Reply.integer(1));
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

            assertThat(producer.call("LPUSH", "jobs", "job-1")).isEqualTo(Reply.integer(1));
            assertThat(job.get(10, TimeUnit.SECONDS)).isEqualTo(new Reply.Array(List.of(Reply.bulk("jobs"), Reply.bulk("job-1"))));
            assertThat(producer.call("LLEN", "jobs")).as("popped once").isEqualTo(Reply.integer(0));
            assertThat(producer.call("LRANGE", "done", "0", "-1")).isEqualTo(new Reply.Array(List.of(Reply.bulk("earlier"))));
            assertThat(worker.call("BLPOP", "jobs", "0.1")).as("the worker's connection serves on").isEqualTo(Reply.NIL_ARRAY);
        }
        assertThat(cluster.client().resolve(name).orElseThrow().node()).isEqualTo("n2");
        cluster.control("n2").stop(name);
    }
}
