package dev.caravan.systemtests;

import dev.caravan.servers.model.ServerModel;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import dev.caravan.wire.resp.RespLimits;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.caravan.client.NodeControl;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Commands with more arguments than the old 1 Mi ceiling, as redis-py's {@code mset} of 600k
 * pairs sends them, accepted with the node's defaults directly and through the stable endpoint;
 * per-deployment limits refuse as redis-server words it; big values through every server model
 * and across a live migration.
 */
class BigCommandTest {
    private static final int PAIRS = 600_000;
    private static CaravanCluster cluster;
    private static ProcessInfo kv;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
        kv = cluster.control("n1").start(new ProcessSpec("wide", "kv", "", "", 512L << 20, Map.of()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** {@code MSET prefix0 v0 prefix1 v1 …}: 1 + 2 × PAIRS arguments, written as they are generated. */
    private static String msetOf(StreamingRespClient c, String prefix) throws IOException {
        c.send("*" + (1 + 2 * PAIRS) + "\r\n$4\r\nMSET\r\n");
        for (int i = 0; i < PAIRS; i++) {
            String k = prefix + i;
            String v = "value:" + i;
            c.send("$" + k.length() + "\r\n" + k + "\r\n$" + v.length() + "\r\n" + v + "\r\n");
        }
        c.flush();
        return c.readLine();
    }

    @Test
    void shouldAcceptAnMsetOf1200000ArgumentsDirectlyAndThroughTheStableEndpoint() throws Exception {
        try (StreamingRespClient direct = new StreamingRespClient(CaravanCluster.dataAddress(kv));
             StreamingRespClient front = new StreamingRespClient(CaravanCluster.frontAddress(kv))) {
            assertThat(msetOf(direct, "d:")).isEqualTo("+OK");
            assertThat(msetOf(front, "f:")).isEqualTo("+OK");
        }
        try (RespConnection c = new RespConnection(CaravanCluster.dataAddress(kv))) {
            assertThat(c.call("DBSIZE")).isEqualTo(Reply.integer(2L * PAIRS));
            assertThat(c.call("MGET", "d:0", "d:299999", "f:599999", "f:600000")).isEqualTo(new Reply.Array(List.of(
                    Reply.bulk("value:0"), Reply.bulk("value:299999"), Reply.bulk("value:599999"), Reply.NIL)));
            c.call("FLUSHALL");
        }
    }

    @Test
    void shouldRefuseBeyondADeploymentsOwnLimitsAsRedisWordsIt() throws Exception {
        ProcessInfo narrow = cluster.control("n1").start(new ProcessSpec("narrow", "kv", "", "",
                CaravanCluster.PROCESS_MEMORY_BYTES, Map.of(RespLimits.PROTO_MAX_MULTIBULK_LEN, "1000",
                RespLimits.PROTO_MAX_BULK_LEN, "1m", RespLimits.CLIENT_QUERY_BUFFER_LIMIT, "2m")));
        try {
            for (InetSocketAddress at : List.of(CaravanCluster.dataAddress(narrow), CaravanCluster.frontAddress(narrow))) {
                try (StreamingRespClient c = new StreamingRespClient(at)) {
                    c.send("*1001\r\n");
                    c.flush();
                    assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: invalid multibulk length\r\n");
                }
                try (StreamingRespClient c = new StreamingRespClient(at)) {
                    c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + ((1 << 20) + 1) + "\r\n");
                    c.flush();
                    assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
                }
                try (StreamingRespClient c = new StreamingRespClient(at)) {
                    c.send("*5\r\n$4\r\nMSET\r\n$1\r\na\r\n$" + (1 << 20) + "\r\n");
                    c.sendRandom(1 << 20, 1);
                    c.send("\r\n$1\r\nb\r\n$" + (1 << 20) + "\r\n");
                    c.flush();
                    assertThat(c.readToEnd()).as("over the query buffer limit: closed without a reply, as Redis").isEmpty();
                }
            }
            try (RespConnection wide = new RespConnection(CaravanCluster.dataAddress(kv))) {
                assertThat(wide.call("PING")).as("other processes keep the node's defaults").isEqualTo(new Reply.Simple("PONG"));
            }
        } finally {
            cluster.control("n1").stop("narrow");
        }
    }

    @Test
    void shouldRefuseLongCommandsBeforeAuthenticationWhenAPasswordIsSet() throws Exception {
        ProcessInfo guarded = cluster.control("n1").start(new ProcessSpec("guarded", "kv", "", "",
                CaravanCluster.PROCESS_MEMORY_BYTES, Map.of("auth.password.sha256", "0".repeat(64))));
        try {
            for (InetSocketAddress at : List.of(CaravanCluster.dataAddress(guarded), CaravanCluster.frontAddress(guarded))) {
                try (StreamingRespClient c = new StreamingRespClient(at)) {
                    c.send("*11\r\n");
                    c.flush();
                    assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: unauthenticated multibulk length\r\n");
                }
                try (StreamingRespClient c = new StreamingRespClient(at)) {
                    c.send("*2\r\n$4\r\nAUTH\r\n$16385\r\n");
                    c.flush();
                    assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: unauthenticated bulk length\r\n");
                }
            }
        } finally {
            cluster.control("n1").stop("guarded");
        }
    }

    @Test
    void shouldKeepBigValuesAcrossALiveMigrationWhileTheyAreWritten() throws Exception {
        ProcessInfo mover = cluster.control("n1").start(new ProcessSpec("mover", "kv", "", "", 512L << 20, Map.of()));
        long crc;
        try (StreamingRespClient c = new StreamingRespClient(CaravanCluster.dataAddress(mover))) {
            crc = c.sendSet("before", 64L << 20, 11);
            assertThat(c.readLine()).isEqualTo("+OK");
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong written = new AtomicLong();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().name("big-writer").start(() -> {
            try (StreamingRespClient c = new StreamingRespClient(CaravanCluster.frontAddress(mover))) {
                for (long i = 0; running.get(); i++) {
                    c.sendSet("during", 4L << 20, i);
                    String reply = c.readLine();
                    if (!reply.equals("+OK")) {
                        throw new AssertionError("SET " + i + " during the migration answered " + reply);
                    }
                    written.set(i + 1);
                }
            } catch (IOException | RuntimeException | AssertionError e) {
                failure.set(e);
            }
        });
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 3 || failure.get() != null);
            InetSocketAddress control = cluster.client().resolve("mover").orElseThrow().control();
            MigrationReport report = NodeControl.migrate(control, "", new MigrationRequest("mover", "n2", MigrationMode.PRE_COPY,
                    500, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(2));
            assertThat(report.outcome()).isEqualTo(MigrationOutcome.COMMITTED);
            long afterCommit = written.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > afterCommit + 3 || failure.get() != null);
        } finally {
            running.set(false);
            writer.join(60_000);
        }
        assertThat(failure.get()).isNull();
        long last = written.get() - 1;
        try (StreamingRespClient c = new StreamingRespClient(CaravanCluster.frontAddress(mover))) {
            assertThat(c.get("before", 64L << 20)).as("the value written before the move, read at its new node").isEqualTo(crc);
            assertThat(c.get("during", 4L << 20)).as("the last value written during the move")
                    .isEqualTo(StreamingRespClient.crcOfRandom(4L << 20, last));
        } finally {
            cluster.control("n2").stop("mover");
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldStoreAndServeBigValuesOnEveryServerModel(ServerModel model) throws Exception {
        String name = "model-" + model.cliName();
        ProcessInfo p = cluster.control("n1").start(new ProcessSpec(name, "kv", "", "", 128L << 20,
                Map.of("server.model", model.cliName())));
        try (StreamingRespClient c = new StreamingRespClient(CaravanCluster.dataAddress(p))) {
            long crc = c.sendSet("v", 24L << 20, model.ordinal());
            assertThat(c.readLine()).isEqualTo("+OK");
            assertThat(c.get("v", 24L << 20)).isEqualTo(crc);
            c.send("*3\r\n$6\r\nAPPEND\r\n$1\r\nv\r\n$" + (2 << 20) + "\r\n");
            c.sendRandom(2 << 20, 9);
            c.send("\r\n");
            c.flush();
            assertThat(c.readLine()).isEqualTo(":" + ((24L << 20) + (2 << 20)));
        } finally {
            cluster.control("n1").stop(name);
        }
    }
}
