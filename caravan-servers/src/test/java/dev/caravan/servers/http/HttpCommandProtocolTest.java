package dev.caravan.servers.http;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.SessionLinkConnection;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** An HTTP data endpoint over real sockets: requests as commands per session, keep-alive, bad input, moved, session links. */
class HttpCommandProtocolTest {
    private static final ServerOptions OPTIONS = ServerOptions.defaults().withWorkers(2).withLoops(1).withName("http-endpoint");
    private static final String TOKEN = "secret";

    /** Answers "<method> <target> <session id>"; /moved with MOVED, /kill by closing silently, /slow after a latch-free spin. */
    static final class EchoHandler implements RespCommandHandler {
        final List<Long> closed = new CopyOnWriteArrayList<>();

        @Override
        public Reply[] execute(RespSession session, List<Command> batch) {
            Reply[] out = new Reply[batch.size()];
            for (int i = 0; i < out.length; i++) {
                Command c = batch.get(i);
                if (!HttpExchange.isRequest(c)) {
                    out[i] = Reply.error("ERR not HTTP: " + c.name());
                    continue;
                }
                HttpRequest r = HttpExchange.toRequest(c);
                out[i] = switch (r.target()) {
                    case "/moved" -> Reply.error("MOVED 7 127.0.0.1:1");
                    case "/kill" -> new Reply.Closing(Reply.SUPPRESSED);
                    default -> HttpExchange.reply(200, HttpHeaders.block("X-Session", Long.toString(session.id()),
                            "X-Host", String.valueOf(r.header("Host"))), r.method() + " " + r.target());
                };
            }
            return out;
        }

        @Override
        public void onClosed(RespSession session) {
            closed.add(session.id());
        }
    }

    private static Server start(ServerModel model, EchoHandler handler) {
        RespProtocol links = new RespProtocol(handler).withSessionLink(TOKEN);
        return model.start(new HttpCommandProtocol(handler, links), OPTIONS);
    }

    private static String exchange(Socket s, String request, int responses) throws IOException {
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        return readResponses(s.getInputStream(), responses);
    }

    /** Reads {@code n} responses framed by Content-Length (or up to end of stream). */
    static String readResponses(InputStream in, int n) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                if (h.length >= 4 && h[h.length - 4] == '\r' && h[h.length - 3] == '\n' && h[h.length - 2] == '\r'
                        && h[h.length - 1] == '\n') {
                    break;
                }
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            all.writeBytes(head.toByteArray());
            int at = text.indexOf("Content-Length: ");
            if (at >= 0) {
                int len = Integer.parseInt(text.substring(at + 16, text.indexOf('\r', at)));
                all.writeBytes(in.readNBytes(len));
            }
            if (b < 0) {
                break;
            }
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS", "EVENT_LOOP"})
    void shouldAnswerPipelinedKeepAliveRequestsInOneSessionPerConnection(ServerModel model) throws Exception {
        EchoHandler handler = new EchoHandler();
        try (Server server = start(model, handler); Socket a = new Socket("127.0.0.1", server.port());
             Socket b = new Socket("127.0.0.1", server.port())) {
            String two = exchange(a, "GET /1 HTTP/1.1\r\nHost: h1\r\n\r\nPOST /2 HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", 2);
            assertThat(two).contains("X-Host: h1\r\n").contains("GET /1").contains("POST /2");
            String sessionA = two.substring(two.indexOf("X-Session: ") + 11, two.indexOf('\r', two.indexOf("X-Session: ")));
            assertThat(two.split("X-Session: " + sessionA, -1)).hasSize(3);
            String other = exchange(b, "GET /3 HTTP/1.1\r\n\r\n", 1);
            assertThat(other).contains("GET /3").doesNotContain("X-Session: " + sessionA + "\r\n");
            assertThat(exchange(a, "GET /4 HTTP/1.1\r\n\r\n", 1)).contains("X-Session: " + sessionA + "\r\n");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldAnswerMalformedInput400AndCloseOnlyThatConnection(ServerModel model) throws Exception {
        EchoHandler handler = new EchoHandler();
        try (Server server = start(model, handler); Socket good = new Socket("127.0.0.1", server.port());
             Socket bad = new Socket("127.0.0.1", server.port())) {
            assertThat(exchange(good, "GET /before HTTP/1.1\r\n\r\n", 1)).contains("200 OK");
            String r = exchange(bad, "GARBAGE\r\n\r\n", 1);
            assertThat(r).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close");
            assertThat(bad.getInputStream().read()).isEqualTo(-1);
            assertThat(exchange(good, "GET /after HTTP/1.1\r\n\r\n", 1)).contains("200 OK").contains("GET /after");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldAnswerMovedWith421AndCloseAndTellTheProcessTheClientLeft(ServerModel model) throws Exception {
        EchoHandler handler = new EchoHandler();
        try (Server server = start(model, handler); Socket s = new Socket("127.0.0.1", server.port())) {
            String r = exchange(s, "GET /moved HTTP/1.1\r\n\r\nGET /never HTTP/1.1\r\n\r\n", 2);
            assertThat(r).startsWith("HTTP/1.1 421 Misdirected Request\r\n").contains("Caravan-Moved: 7 127.0.0.1:1\r\n")
                    .contains("Connection: close\r\n").doesNotContain("/never");
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            await().atMost(Duration.ofSeconds(10)).until(() -> handler.closed.size() == 1);
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldServeSessionLinksInTheForwardersSessionAndRefuseOtherResp(ServerModel model) throws Exception {
        EchoHandler handler = new EchoHandler();
        try (Server server = start(model, handler)) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", server.port());
            try (SessionLinkConnection link = SessionLinkConnection.open(at, TOKEN)) {
                Reply[] replies = link.batch(42, "10.0.0.9:5555", "10.0.0.1:80", new Command[] {
                        HttpExchange.toCommand(new HttpRequest("GET", "/linked", true, new byte[0]))});
                assertThat(replies).hasSize(1);
                Reply.Array a = (Reply.Array) replies[0];
                assertThat(a.items().get(0)).isEqualTo(Reply.integer(200));
                assertThat(new String(((Reply.Bulk) a.items().get(1)).value(), StandardCharsets.ISO_8859_1))
                        .contains("X-Session: 42\r\n");
                assertThat(a.items().get(2)).isEqualTo(Reply.bulk("GET /linked"));
            }
            try (Socket s = new Socket(at.getAddress(), at.getPort())) {
                s.getOutputStream().write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
                String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(r).startsWith("-ERR this data endpoint speaks HTTP");
            }
            assertThatThrownBy(() -> SessionLinkConnection.open(at, "wrong")).isInstanceOf(IOException.class)
                    .hasMessageContaining("refused the session link");
        }
    }
}
