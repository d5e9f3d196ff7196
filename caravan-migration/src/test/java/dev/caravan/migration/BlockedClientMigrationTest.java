package dev.caravan.migration;

import dev.caravan.migration.testkit.Requests;
import dev.caravan.migration.testkit.TestCluster;
import dev.caravan.migration.testkit.TestNode;
import dev.caravan.migration.testkit.TestProcess;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client blocked in BLPOP with no timeout while its kv process migrates keeps waiting (longer
 * than the hand-off's answer deadline) and is served by a push at the destination.
 */
class BlockedClientMigrationTest {
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws IOException {
        cluster = TestCluster.aCluster().withNodes(2).start();
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static InetSocketAddress data(TestNode node, String name) {
        TestProcess p = node.process(name).orElseThrow();
        return new InetSocketAddress(p.dataHost(), p.dataPort());
    }

    private static int parked(TestNode node, String name) {
        return node.process(name).map(p -> p.runner().parkedBatches()).orElse(0);
    }

    @ParameterizedTest
    @EnumSource(MigrationMode.class)
    void shouldServeABlpopWaitingAtTheSourceByAPushAtTheDestination(MigrationMode mode) throws Exception {
        String name = "blocked-" + mode.name().toLowerCase(java.util.Locale.ROOT);
        TestNode n1 = cluster.node("n1");
        TestNode n2 = cluster.node("n2");
        n1.deploy(name, 4 << 20);
        try (RespConnection setup = new RespConnection(data(n1, name));
             RespConnection waiter = new RespConnection(data(n1, name))) {
            assertThat(setup.call("RPUSH", "other", "stays")).isEqualTo(Reply.integer(1));
            CompletableFuture<Reply> popped = CompletableFuture.supplyAsync(() -> {
                try {
                    return waiter.call("BLPOP", "q", "0");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, r -> Thread.ofVirtual().start(r));
            await().atMost(Duration.ofSeconds(5)).until(() -> parked(n1, name) == 1);

            MigrationReport report = n1.migrate(Requests.move(name, "n2", mode));
            assertThat(report.outcome()).as(report.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            await().atMost(Duration.ofSeconds(5)).until(() -> parked(n2, name) == 1);
            // Longer than the hand-off may wait for a queued batch's answer: a blocked one has no such deadline.
            long beyondDeadlineMs = TestCluster.fastSettings().commitTimeoutMs() + 500;
            assertThat(popped).as("still waiting").failsWithin(Duration.ofMillis(beyondDeadlineMs))
                    .withThrowableOfType(java.util.concurrent.TimeoutException.class);

            try (RespConnection pusher = new RespConnection(data(n2, name))) {
                assertThat(pusher.call("LPUSH", "q", "after-the-move")).isEqualTo(Reply.integer(1));
                assertThat(popped.get(5, TimeUnit.SECONDS)).isEqualTo(new Reply.Array(List.of(Reply.bulk("q"),
                        Reply.bulk("after-the-move"))));
                assertThat(pusher.call("EXISTS", "q")).isEqualTo(Reply.integer(0));
                assertThat(pusher.call("LRANGE", "other", "0", "-1")).isEqualTo(new Reply.Array(List.of(Reply.bulk("stays"))));
            }
        }
        n2.stop(name);
    }
}
