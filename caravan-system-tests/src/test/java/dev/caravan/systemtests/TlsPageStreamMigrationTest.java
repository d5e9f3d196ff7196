package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.HostPort;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kv process holding a few MiB moves between two TLS nodes (their page streams then run over
 * mutual TLS 1.3, {@code NodeMigrationHost.transportSecurity()}), pre-copy there and post-copy
 * back, while a client reads through its front endpoint: every value read is the one written, and
 * every value is there after each move.
 */
class TlsPageStreamMigrationTest {
    private static final int KEYS = 2000;
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

    private static String value(int i) {
        return ("v" + i + "-").repeat(200);
    }

    @Test
    void shouldMigratePreCopyAndPostCopyBetweenTlsNodesWhileAClientReads() throws Exception {
        ProcessInfo kv = cluster.deployKv("tls-pages", "n1");
        InetSocketAddress front = HostPort.parse(kv.front());
        try (RespConnection c = new RespConnection(front)) {
            List<Command> sets = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                sets.add(Command.of("SET", "k" + i, value(i)));
            }
            assertThat(c.pipeline(sets)).allMatch(Reply.OK::equals);
        }
        AtomicLong reads = new AtomicLong();
        AtomicReference<String> wrong = new AtomicReference<>();
        Thread reader = Thread.ofPlatform().start(() -> {
            int i = 0;
            while (!Thread.currentThread().isInterrupted() && wrong.get() == null) {
                try (RespConnection c = new RespConnection(front)) {
                    while (!Thread.currentThread().isInterrupted()) {
                        int k = i++ % KEYS;
                        Reply r = c.call("GET", "k" + k);
                        if (!isValue(r, k)) {
                            wrong.set("GET k" + k + " answered " + r);
                            return;
                        }
                        reads.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    // The front reconnects across a move; try again.
                }
            }
        });
        try {
            migrate("n1", "n2", MigrationMode.PRE_COPY);
            migrate("n2", "n1", MigrationMode.POST_COPY);
        } finally {
            reader.interrupt();
            reader.join(10_000);
        }
        assertThat(wrong.get()).isNull();
        assertThat(reads.get()).isPositive();
        try (RespConnection c = new RespConnection(front)) {
            for (int i = 0; i < KEYS; i += 97) {
                assertThat(isValue(c.call("GET", "k" + i), i)).as("k" + i + " after both moves").isTrue();
            }
        }
    }

    private static boolean isValue(Reply r, int k) {
        return r instanceof Reply.Bulk b && b.text().equals(value(k));
    }

    private static void migrate(String from, String to, MigrationMode mode) throws Exception {
        MigrationReport report = NodeControl.migrate(cluster.controlAddress(from), "", new MigrationRequest("tls-pages", to, mode,
                50, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(2));
        assertThat(report.outcome().label()).as(mode + " " + from + " → " + to).isEqualTo("committed");
        if (mode == MigrationMode.PRE_COPY) {
            assertThat(report.bytesSent()).as("bytes of pages sent by the page stream").isGreaterThan((long) KEYS * 600);
        }
    }
}
