package dev.caravan.servers.model;

import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespReplyReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A connection adopted with its first bytes already read (a TCP handoff) is served as if the
 * server had read them itself: those first, then the rest from the socket, in order.
 */
class AdoptWithBytesReadTest {
    private static final ServerOptions OPTIONS = ServerOptions.defaults().adoptOnly().withName("adopt-test");

    private static RespProtocol echo() {
        return new RespProtocol((session, batch) -> batch.stream()
                .map(c -> c.name().equals("PING") ? new Reply.Simple("PONG") : Reply.bulk(c.text(c.size() - 1)))
                .toArray(Reply[]::new));
    }

    /** A real client connection accepted here; {@code first} bytes of what the client sent read off it. */
    private record Accepted(WireClient client, SocketChannel server, ByteBuffer alreadyRead) {
    }

    private static Accepted accept(ServerSocketChannel listener, String send, int first) throws IOException {
        WireClient client = new WireClient((InetSocketAddress) listener.getLocalAddress());
        client.send(send);
        SocketChannel ch = listener.accept();
        ByteBuffer read = ByteBuffer.allocate(first);
        while (read.hasRemaining()) {
            if (ch.read(read) < 0) {
                throw new IOException("client closed");
            }
        }
        return new Accepted(client, ch, read.flip());
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldServeBytesAlreadyReadBeforeTheRestOfThePipeline(ServerModel model) throws Exception {
        String first = "*2\r\n$4\r\nECHO\r\n$5\r\nfirst\r\n";
        StringBuilder rest = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            rest.append("*2\r\n$4\r\nECHO\r\n$").append(String.valueOf(i).length()).append("\r\n").append(i).append("\r\n");
        }
        // The cut falls inside the second command: its head was read by the "switch", its tail is still in the socket.
        int cut = first.length() + 7;
        try (Server server = model.start(echo(), OPTIONS);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Accepted a = accept(listener, first + rest, cut);
            try (WireClient c = a.client()) {
                server.adopt(a.server(), a.alreadyRead());
                RespReplyReader r = new RespReplyReader(c.in);
                assertThat(((Reply.Bulk) r.read()).text()).isEqualTo("first");
                for (int i = 0; i < 200; i++) {
                    assertThat(((Reply.Bulk) r.read()).text()).isEqualTo(String.valueOf(i));
                }
                c.send("PING\r\n");
                assertThat(r.read()).isEqualTo(new Reply.Simple("PONG"));
                assertThat(server.activeConnections()).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldAnswerAFirstRequestThatArrivedWhole(ServerModel model) throws Exception {
        String request = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Server server = model.start(HttpProtocol.plaintext(RequestDelay.NONE), OPTIONS);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Accepted a = accept(listener, request, request.length());
            try (WireClient c = a.client()) {
                server.adopt(a.server(), a.alreadyRead());
                assertThat(c.readHttpResponse()).startsWith("HTTP/1.1 200 OK").endsWith("Hello, World!");
                c.send(request);
                assertThat(c.readHttpResponse()).endsWith("Hello, World!");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldTakeBytesAlreadyReadLargerThanItsReadBuffer(ServerModel model) throws Exception {
        String big = "x".repeat(40_000);
        String first = "*2\r\n$4\r\nECHO\r\n$" + big.length() + "\r\n" + big + "\r\n";
        try (Server server = model.start(echo(), OPTIONS);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Accepted a = accept(listener, first, first.length());
            try (WireClient c = a.client()) {
                server.adopt(a.server(), a.alreadyRead());
                assertThat(((Reply.Bulk) new RespReplyReader(c.in).read()).text()).isEqualTo(big);
            }
        }
    }

    /** Whether the server ended the connection (end of stream, or a reset since unread input was discarded). */
    private static boolean ended(WireClient c) throws IOException {
        try {
            return c.in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Test
    void shouldRefuseBytesAlreadyReadOnAModelThatCannotTakeThem() throws Exception {
        try (Server server = ServerModel.EVENT_LOOP.start(echo(), OPTIONS);
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Accepted a = accept(listener, "PING\r\n", 2);
            try (WireClient c = a.client()) {
                assertThatThrownBy(() -> server.adopt(a.server(), a.alreadyRead()))
                        .isInstanceOf(CaravanException.class)
                        .satisfies(e -> assertThat(((CaravanException) e).code()).isEqualTo(ErrorCode.NOT_SUPPORTED));
                assertThat(a.server().isOpen()).as("the refused channel is closed: the server owns it").isFalse();
                assertThat(ended(c)).as("the client's connection ended").isTrue();
            }
        }
    }

    /** Adopt says no at the limit (the node then answers the switch "refused", and the switch serves the client itself). */
    @ParameterizedTest
    @EnumSource(value = ServerModel.class, names = {"PROCESS_THREAD", "VIRTUAL_THREADS"})
    void shouldRefuseAConnectionAdoptedAtTheConnectionLimit(ServerModel model) throws Exception {
        String request = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n";
        try (Server server = model.start(HttpProtocol.plaintext(RequestDelay.NONE), OPTIONS.withMaxConnections(1));
             ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            Accepted held = accept(listener, request, request.length());
            Accepted over = accept(listener, request, request.length());
            try (WireClient first = held.client(); WireClient second = over.client()) {
                server.adopt(held.server(), held.alreadyRead());
                assertThat(first.readHttpResponse()).endsWith("Hello, World!");
                assertThatThrownBy(() -> server.adopt(over.server(), over.alreadyRead()))
                        .isInstanceOf(CaravanException.class)
                        .satisfies(e -> assertThat(((CaravanException) e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
                assertThat(over.server().isOpen()).as("the refused channel is closed: the server owns it").isFalse();
                assertThat(ended(second)).as("no one else held it: the client's connection ended").isTrue();
                first.send(request);
                assertThat(first.readHttpResponse()).as("the connection within the limit is still served").endsWith("Hello, World!");
            }
        }
    }
}
