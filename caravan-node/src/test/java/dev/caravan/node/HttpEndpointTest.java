package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A process with an HTTP data endpoint (the HTTP sample) on two nodes in this JVM: requests as
 * commands, the protocol in naming, and a migration — requests that queued at the source while
 * it was frozen are handed off and answered; later ones get 421 with where it went.
 */
class HttpEndpointTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    static Path tmp;
    private static LocalNamingService naming;
    private static NodeDaemon n1;
    private static NodeDaemon n2;

    @BeforeAll
    static void startNodes() throws Exception {
        naming = new LocalNamingService();
        n1 = start("n1");
        n2 = start("n2");
    }

    private static NodeDaemon start(String id) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id));
        return NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
    }

    @AfterAll
    static void stopNodes() {
        if (n1 != null) {
            n1.close();
        }
        if (n2 != null) {
            n2.close();
        }
        naming.close();
    }

    /** One keep-alive HTTP/1.1 connection. */
    static final class Http implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;

        Http(String host, int port) throws IOException {
            socket = new Socket(host, port);
            socket.setSoTimeout((int) BOUND.toMillis());
            in = socket.getInputStream();
        }

        /** Sends {@code times} pipelined requests in one write (one batch at the endpoint). */
        void send(String target, String cookie, int times) throws IOException {
            String req = "GET " + target + " HTTP/1.1\r\nHost: test\r\n" + (cookie == null ? "" : "Cookie: caravan-session=" + cookie + "\r\n")
                    + "\r\n";
            socket.getOutputStream().write(req.repeat(times).getBytes(StandardCharsets.ISO_8859_1));
        }

        /** The next response, head and body. */
        String read() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                String h = head.toString(StandardCharsets.ISO_8859_1);
                if (h.endsWith("\r\n\r\n")) {
                    int at = h.indexOf("Content-Length: ");
                    int len = Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)));
                    return h + new String(in.readNBytes(len), StandardCharsets.UTF_8);
                }
            }
            throw new IOException("connection closed after " + head.size() + " bytes");
        }

        String get(String target, String cookie) throws IOException {
            send(target, cookie, 1);
            return read();
        }

        boolean closedByServer() throws IOException {
            return in.read() < 0;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static String header(String response, String name) {
        int at = response.indexOf("\r\n" + name + ": ");
        return at < 0 ? null : response.substring(at + name.length() + 4, response.indexOf('\r', at + 2));
    }

    static String body(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void shouldServeTheHttpSampleAndPublishItsProtocol() throws Exception {
        ProcessInfo p = n1.startProcess(new ProcessSpec("web-a", "http", "", "", 4 << 20, Map.of("label.service", "web")));
        assertThat(naming.lookup("process/web-a").orElseThrow().attributes())
                .containsEntry("protocol", "http").containsEntry("label.service", "web");
        try (Http c = new Http(p.dataHost(), p.dataPort())) {
            String first = c.get("/counter", null);
            assertThat(first).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(header(first, "X-Caravan-Process")).isEqualTo("web-a");
            String cookie = header(first, "Set-Cookie").split("[=;]")[1];
            assertThat(body(c.get("/counter", cookie))).isEqualTo("2\n");
            assertThat(c.get("/", null)).contains("web-a</h1>");
        }
    }

    @Test
    void shouldRefuseAnUnknownEndpointProtocol() {
        assertThatThrownBy(() -> n1.startProcess(new ProcessSpec("web-bad", "http", "", "", 4 << 20,
                Map.of(DataEndpoint.PROTOCOL_KEY, "gopher")))).isInstanceOf(CaravanException.class)
                .hasMessageContaining("endpoint.protocol must be resp or http");
    }

    @Test
    void shouldHandOffRequestsQueuedDuringTheFreezeAndAnswerLaterOnes421() throws Exception {
        ProcessInfo p = n1.startProcess(new ProcessSpec("web-m", "http", "", "", 4 << 20, Map.of()));
        try (Http c = new Http(p.dataHost(), p.dataPort())) {
            String cookie = header(c.get("/counter", null), "Set-Cookie").split("[=;]")[1];
            // The destination holds the switch-over for a while: the source stays frozen and requests queue there.
            CompletableFuture<MigrationReport> migration = CompletableFuture.supplyAsync(() -> {
                try {
                    return n1.migration().migrate(new MigrationRequest("web-m", "n2", MigrationMode.STOP_AND_COPY, 50, 30, 2,
                            false, "", "dest:pause:switch-over"), progress -> { });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(BOUND).until(() -> n1.inspect("web-m").state().equals("SUSPENDED"));
            c.send("/counter", cookie, 2);

            MigrationReport r = migration.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
            String second = c.read();
            String third = c.read();
            assertThat(second).startsWith("HTTP/1.1 200 OK\r\n");
            assertThat(body(second)).as("queued at the source, run at the destination").isEqualTo("2\n");
            assertThat(body(third)).isEqualTo("3\n");

            ProcessInfo there = n2.inspect("web-m");
            String moved = c.get("/counter", cookie);
            assertThat(moved).startsWith("HTTP/1.1 421 Misdirected Request\r\n").contains("Connection: close\r\n");
            assertThat(header(moved, "Caravan-Moved")).isEqualTo(r.epoch() + " " + there.dataHost() + ":" + there.dataPort());
            assertThat(c.closedByServer()).isTrue();
            try (Http d = new Http(there.dataHost(), there.dataPort())) {
                assertThat(body(d.get("/counter", cookie))).as("the 421 request was not executed").isEqualTo("4\n");
            }
        }
    }
}
