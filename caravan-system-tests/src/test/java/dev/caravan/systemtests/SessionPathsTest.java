package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Per-client sessions through a process's stable endpoint, between real node JVMs: pooled
 * backend connections never carry one client's state or QUIT into another's, and each
 * client's session follows the process across a migration in every mode.
 */
class SessionPathsTest {
    private static final String CLASS = "sessions.Counter";
    private static CaravanCluster cluster;
    private static byte[] jar;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
        jar = BundleBuilder.bundle().source(CLASS, counterSource()).build();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /**
     * INCR counts per session, WHO names the session, OFF answers nothing, BYE closes the
     * client, CLOSED lists the sessions dropped; counters and the list are object state.
     */
    private static String counterSource() {
        return """
                package sessions;
                import dev.caravan.core.process.*;
                import dev.caravan.wire.*;
                import dev.caravan.wire.command.*;
                import java.util.*;
                public final class Counter implements CaravanProcess {
                    private final Map<Long, Long> counters = new LinkedHashMap<>();
                    private final List<Long> closed = new ArrayList<>();
                    @Override public void onStart(ProcessContext context, boolean restored) { }
                    @Override public Reply onCommand(Command c) { return onCommand(ClientRef.NONE, c); }
                    @Override public Reply onCommand(ClientRef client, Command c) {
                        return switch (c.name()) {
                            case "INCR" -> Reply.integer(counters.merge(client.sessionId(), 1L, Long::sum));
                            case "WHO" -> Reply.bulk(Long.toString(client.sessionId()));
                            case "OFF" -> Reply.SUPPRESSED;
                            case "BYE" -> new Reply.Closing(Reply.bulk("bye"));
                            case "CLOSED" -> new Reply.Array(closed.stream().map(id -> Reply.bulk(Long.toString(id))).toList());
                            default -> Reply.error("ERR unknown command '" + c.text(0) + "'");
                        };
                    }
                    @Override public void onClientClosed(long sessionId) {
                        counters.remove(sessionId);
                        closed.add(sessionId);
                    }
                    @Override public void writeState(BodyWriter out) {
                        out.i32(counters.size());
                        counters.forEach((id, n) -> out.i64(id).i64(n));
                        out.i32(closed.size());
                        closed.forEach(out::i64);
                    }
                    @Override public void readState(int version, BodyReader in) {
                        int n = in.count(1 << 20, "session");
                        for (int i = 0; i < n; i++) { counters.put(in.i64(), in.i64()); }
                        int m = in.count(1 << 20, "closed session");
                        for (int i = 0; i < m; i++) { closed.add(in.i64()); }
                    }
                }
                """;
    }

    /** A RESP client with a read timeout. */
    private static final class Client implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;
        private final RespCommandWriter out;
        private final RespReplyReader reader;

        Client(InetSocketAddress at) throws IOException {
            socket.connect(at, 5000);
            socket.setSoTimeout(20_000);
            in = socket.getInputStream();
            out = new RespCommandWriter(socket.getOutputStream());
            reader = new RespReplyReader(in);
        }

        void send(String... args) throws IOException {
            out.write(Command.of(args));
            out.flush();
        }

        Reply read() throws IOException {
            return reader.read();
        }

        Reply call(String... args) throws IOException {
            send(args);
            return read();
        }

        long sessionId() throws IOException {
            return Long.parseLong(((Reply.Bulk) call("WHO")).text());
        }

        boolean closedByServer() {
            try {
                return in.read() == -1;
            } catch (SocketException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void shouldAnswerTheNextClientAfterOneQuitThroughTheStableEndpoint() throws Exception {
        ProcessInfo kv = cluster.deployKv("kv-quit", "n1");
        InetSocketAddress front = CaravanCluster.frontAddress(kv);
        try (Client setup = new Client(front)) {
            assertThat(setup.call("SET", "k", "v")).isEqualTo(Reply.OK);
        }
        for (int i = 0; i < 5; i++) {
            try (Client a = new Client(front)) {
                assertThat(a.call("QUIT")).isEqualTo(Reply.OK);
                assertThat(a.closedByServer()).isTrue();
            }
            try (Client b = new Client(front)) {
                assertThat(b.call("GET", "k")).as("not 'connection to process lost mid-request'").isEqualTo(Reply.bulk("v"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(MigrationMode.class)
    void shouldKeepEachStableEndpointClientsSessionAcrossAMigration(MigrationMode mode) throws Exception {
        String name = "sessions-" + mode.name().toLowerCase(Locale.ROOT);
        ProcessInfo p = cluster.deployBundle(name, jar, CLASS, "n1");
        InetSocketAddress front = CaravanCluster.frontAddress(p);
        Client a = new Client(front);
        try (Client b = new Client(front)) {
            assertThat(a.call("INCR")).isEqualTo(Reply.integer(1));
            assertThat(b.call("INCR")).isEqualTo(Reply.integer(1));
            assertThat(a.call("INCR")).isEqualTo(Reply.integer(2));
            long aId = a.sessionId();

            MigrationReport r = NodeControl.migrate(cluster.controlAddress("n1"), "", new MigrationRequest(name, "n2", mode,
                    50, 30, 2, false, "", ""), progress -> { }, Duration.ofSeconds(60));

            assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            assertThat(a.call("INCR")).as("a's session moved with the process").isEqualTo(Reply.integer(3));
            assertThat(b.call("INCR")).isEqualTo(Reply.integer(2));
            try (Client c = new Client(front)) {
                c.send("OFF");
                c.send("INCR");
                c.send("BYE");
                assertThat(c.read()).isEqualTo(Reply.integer(1));
                assertThat(c.read()).isEqualTo(Reply.bulk("bye"));
                assertThat(c.closedByServer()).isTrue();
            }
            a.close();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                try (Client d = new Client(front)) {
                    assertThat(((Reply.Array) d.call("CLOSED")).items()).contains(Reply.bulk(Long.toString(aId)));
                }
            });
        } finally {
            a.close();
        }
    }
}
