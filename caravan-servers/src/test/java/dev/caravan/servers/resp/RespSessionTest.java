package dev.caravan.servers.resp;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespCommandWriter;
import dev.caravan.wire.resp.RespReplyReader;
import dev.caravan.wire.resp.SessionLink;
import dev.caravan.wire.resp.SessionLinkConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One session per connection in every server model, control replies, close notices, and the session link. */
class RespSessionTest {
    private static final ServerOptions OPTIONS = ServerOptions.defaults().withWorkers(4).withLoops(2).withName("sessions");
    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Keeps a counter per session; answers OFF with nothing, QUIT by closing, KILLME by closing from another thread. */
    static final class CountingHandler implements RespCommandHandler {
        final Map<Long, long[]> counters = new ConcurrentHashMap<>();
        final List<RespSession> closed = new CopyOnWriteArrayList<>();

        @Override
        public Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
            Reply[] out = new Reply[batch.size()];
            for (int i = 0; i < out.length; i++) {
                if (i > 0 && out[i - 1] instanceof Reply.Closing) {
                    // As the process runner does: nothing after a close-after-reply runs.
                    java.util.Arrays.fill(out, i, out.length, Reply.SUPPRESSED);
                    break;
                }
                Command c = batch.get(i);
                out[i] = switch (c.name()) {
                    case "INCR" -> Reply.integer(++counters.computeIfAbsent(session.id(), id -> new long[1])[0]);
                    case "WHO" -> Reply.bulk(session.id() + " " + session.client().addr() + " " + session.client().laddr()
                            + " " + (session.isDirect() ? "direct" : "linked"));
                    case "OFF" -> Reply.SUPPRESSED;
                    case "QUIT" -> new Reply.Closing(Reply.OK);
                    case "KILLME" -> {
                        Thread killer = Thread.ofPlatform().start(session::close);
                        killer.join();
                        yield Reply.OK;
                    }
                    default -> Reply.bulk(c.name());
                };
            }
            return out;
        }

        @Override
        public void onClosed(RespSession session) {
            closed.add(session);
        }
    }

    /** A raw client with a read timeout so that no test hangs. */
    static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final OutputStream out;
        final InputStream in;
        final RespCommandWriter writer;
        final RespReplyReader reader;

        Client(InetSocketAddress at) throws IOException {
            socket.connect(at, 5000);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            writer = new RespCommandWriter(out);
            reader = new RespReplyReader(in);
        }

        Reply call(String... args) throws IOException {
            writer.write(Command.of(args));
            writer.flush();
            return reader.read();
        }

        void send(String... args) throws IOException {
            writer.write(Command.of(args));
            writer.flush();
        }

        /** Writes every command, then flushes once. */
        void sendPipelined(Command... commands) throws IOException {
            for (Command command : commands) {
                writer.write(command);
            }
            writer.flush();
        }

        /** Whether the server closed the connection: an end of stream, or a reset when it left bytes we sent unread. */
        boolean closedByServer() {
            try {
                return in.read() == -1;
            } catch (java.net.SocketException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        String local() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String text(Reply r) {
        assertThat(r).isInstanceOf(Reply.Bulk.class);
        return ((Reply.Bulk) r).text();
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldGiveEachConnectionItsOwnSessionAndTellWhenItCloses(ServerModel model) throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = model.start(new RespProtocol(handler), OPTIONS)) {
            String[] first;
            try (Client a = new Client(server.address())) {
                assertThat(a.call("INCR")).isEqualTo(Reply.integer(1));
                assertThat(a.call("INCR")).isEqualTo(Reply.integer(2));
                first = text(a.call("WHO")).split(" ");
                assertThat(first[1]).isEqualTo(a.local());
                assertThat(first[2]).isEqualTo("127.0.0.1:" + server.port());
                assertThat(first[3]).isEqualTo("direct");
            }
            await().atMost(BOUND).until(() -> handler.closed.size() == 1);
            assertThat(handler.closed.get(0).id()).isEqualTo(Long.parseLong(first[0]));
            try (Client b = new Client(server.address())) {
                assertThat(b.call("INCR")).as("a new connection is a new session").isEqualTo(Reply.integer(1));
                long second = Long.parseLong(text(b.call("WHO")).split(" ")[0]);
                assertThat(second).isPositive().isNotEqualTo(Long.parseLong(first[0]));
            }
            await().atMost(BOUND).until(() -> handler.closed.size() == 2);
            assertThat(handler.closed).extracting(RespSession::id).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldWriteNothingForSuppressedAndCloseAfterClosing(ServerModel model) throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = model.start(new RespProtocol(handler), OPTIONS); Client c = new Client(server.address())) {
            // One write: the server closes after QUIT's reply, and an INCR written after that would meet a broken pipe.
            c.sendPipelined(Command.of("OFF"), Command.of("INCR"), Command.of("OFF"), Command.of("QUIT"), Command.of("INCR"));

            assertThat(c.reader.read()).isEqualTo(Reply.integer(1));
            assertThat(c.reader.read()).isEqualTo(Reply.OK);
            assertThat(c.closedByServer()).as("closed after QUIT's reply").isTrue();
            await().atMost(BOUND).until(() -> handler.closed.size() == 1);
            assertThat(handler.counters.values()).as("the INCR behind QUIT never ran").extracting(v -> v[0]).containsExactly(1L);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldEndASessionClosedFromAnotherThreadAndTellOnce(ServerModel model) throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = model.start(new RespProtocol(handler), OPTIONS); Client c = new Client(server.address())) {
            c.send("KILLME");

            c.reader.read();
            assertThat(c.closedByServer()).isTrue();
            await().atMost(BOUND).until(() -> handler.closed.size() == 1);
            await().atMost(BOUND).until(() -> server.activeConnections() == 0);
            assertThat(handler.closed).hasSize(1);
        }
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldRunLinkedBatchesInTheForwardersSessionsAndFrameControlReplies(ServerModel model) throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = model.start(new RespProtocol(handler).withSessionLink("secret"), OPTIONS);
             Client link = new Client(server.address())) {
            assertThat(link.call(SessionLink.HELLO, SessionLink.VERSION, "secret")).isEqualTo(Reply.OK);
            link.send(SessionLink.BATCH, "77", "10.1.1.1:4000", "10.1.1.2:6379", "4");
            link.send("INCR");
            link.send("OFF");
            link.send("WHO");
            link.send("QUIT");

            String who = "77 10.1.1.1:4000 10.1.1.2:6379 linked";
            byte[] expected = ("*5\r\n$4\r\n.s.c\r\n:1\r\n$-1\r\n$" + who.length() + "\r\n" + who + "\r\n+OK\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            assertThat(link.in.readNBytes(expected.length)).asString(StandardCharsets.US_ASCII)
                    .isEqualTo(new String(expected, StandardCharsets.US_ASCII));

            // The link stays open after a client's QUIT; the same session goes on over it.
            link.send(SessionLink.BATCH, "77", "10.1.1.1:4000", "10.1.1.2:6379", "1");
            link.send("INCR");
            assertThat(SessionLink.unframe(link.reader.read(), 1)).containsExactly(Reply.integer(2));
            assertThat(link.call(SessionLink.CLOSED, "77")).isEqualTo(Reply.OK);
            assertThat(handler.closed).extracting(RespSession::id).containsExactly(77L);
            assertThat(handler.closed.get(0).isDirect()).isFalse();
        }
        assertThat(handler.closed).as("the link connection's own end closes no session").hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(ServerModel.class)
    void shouldReassembleALinkedBatchLongerThanOneDecodedBatch(ServerModel model) throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = model.start(new RespProtocol(handler).withSessionLink(""), OPTIONS);
             SessionLinkConnection link = SessionLinkConnection.open(server.address(), "")) {
            Command[] many = new Command[3000];
            java.util.Arrays.fill(many, Command.of("INCR"));

            Reply[] replies = link.batch(5, "a:1", "b:2", many);

            assertThat(replies).hasSize(3000);
            assertThat(replies[2999]).isEqualTo(Reply.integer(3000));
            assertThat(link.batch(6, "a:1", "b:2", new Command[] {Command.of("INCR")})).containsExactly(Reply.integer(1));
            assertThat(link.looksOpen()).isTrue();
        }
    }

    @Test
    void shouldRefuseALinkWithTheWrongTokenAndClose() throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(handler).withSessionLink("secret"), OPTIONS);
             Client c = new Client(server.address())) {
            // One write, as a pipelining client sends it: the server may close after the refused HELLO, and a
            // second write of our own would then meet a broken pipe before we read the refusal.
            c.sendPipelined(Command.of(SessionLink.HELLO, SessionLink.VERSION, "guess"),
                    Command.of(SessionLink.BATCH, "77", "x", "y", "1"), Command.of("INCR"));

            assertThat(c.reader.read()).isInstanceOf(Reply.Error.class);
            assertThat(c.closedByServer()).isTrue();
            assertThat(handler.counters).isEmpty();
        }
    }

    @Test
    void shouldPassLinkCommandsToTheHandlerWhenTheProtocolHasNoLink() throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = ServerModel.EVENT_LOOP.start(new RespProtocol(handler), OPTIONS);
             Client c = new Client(server.address())) {
            assertThat(c.call(SessionLink.HELLO, SessionLink.VERSION, "")).isEqualTo(Reply.bulk(SessionLink.HELLO));
            assertThat(text(c.call("WHO"))).endsWith("direct");
        }
    }

    @Test
    void shouldCloseTheLinkWhenAHeaderIsMalformed() throws Exception {
        CountingHandler handler = new CountingHandler();
        try (Server server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(handler).withSessionLink(""), OPTIONS);
             Client c = new Client(server.address())) {
            assertThat(c.call(SessionLink.HELLO, SessionLink.VERSION, "")).isEqualTo(Reply.OK);
            c.send(SessionLink.BATCH, "-5", "x", "y", "1");
            c.send("INCR");

            assertThat(c.reader.read()).isEqualTo(Reply.error("ERR session link: invalid session id"));
            assertThat(c.closedByServer()).isTrue();
            assertThat(handler.counters).isEmpty();
        }
    }

    @Test
    void shouldMakeSessionIdsPositiveAndDistinct() {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RespSession.newSessionId());
        }
        assertThat(ids).allMatch(id -> id > 0).doesNotHaveDuplicates();
    }
}
