package dev.caravan.servers.handoff;

import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who owns the client after each outcome of a handoff, against fake node sockets: an answer is
 * final; a request sent but not answered is {@link HandoffUnansweredException} (the node may own
 * the client); a request never sent is a plain {@link IOException} (the switch still owns it).
 */
class HandoffSenderTest {
    private static final byte[] FIRST = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path tmp;

    /** A client connection as a switch holds it. */
    private record Client(Socket socket, SocketChannel atSwitch, ServerSocketChannel listener) implements AutoCloseable {
        static Client connect() throws IOException {
            ServerSocketChannel l = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            Socket s = new Socket("127.0.0.1", ((InetSocketAddress) l.getLocalAddress()).getPort());
            return new Client(s, l.accept(), l);
        }

        @Override
        public void close() throws IOException {
            atSwitch.close();
            socket.close();
            listener.close();
        }
    }

    /** A fake node that reads one request and then does {@code then} with its connection. */
    private static CompletableFuture<Void> fakeNode(AFUNIXServerSocket server, java.util.function.Consumer<AFUNIXSocket> then) {
        return CompletableFuture.runAsync(() -> {
            try {
                AFUNIXSocket s = server.accept();
                s.setAncillaryReceiveBufferSize(1024);
                HandoffCodec.decode(s.getInputStream());
                then.accept(s);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, r -> Thread.ofPlatform().daemon(true).start(r));
    }

    @Test
    void shouldReportANodeThatNeverAnswersAsUnansweredWithinTheTimeout() throws Exception {
        Path path = tmp.resolve("silent.sock");
        try (AFUNIXServerSocket server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(path.toFile()));
             HandoffSender sender = new HandoffSender(Duration.ofMillis(300));
             Client c = Client.connect()) {
            fakeNode(server, s -> { });
            long startNs = System.nanoTime();
            assertThatThrownBy(() -> sender.handOff(path, "", "p", 0, c.atSwitch(), FIRST))
                    .isInstanceOf(HandoffUnansweredException.class)
                    .hasMessageContaining("no answer");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isBetween(250L, 10_000L);
        }
    }

    @Test
    void shouldReportANodeThatClosesWithoutAnsweringAsUnansweredNamingTheCause() throws Exception {
        Path path = tmp.resolve("closing.sock");
        try (AFUNIXServerSocket server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(path.toFile()));
             HandoffSender sender = new HandoffSender(Duration.ofSeconds(20));
             Client c = Client.connect()) {
            fakeNode(server, s -> {
                try {
                    s.close();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // Before: an EOFException without a message, logged as "…handoff.sock: null", and the switch spliced.
            assertThatThrownBy(() -> sender.handOff(path, "", "p", 0, c.atSwitch(), FIRST))
                    .isInstanceOf(HandoffUnansweredException.class)
                    .hasMessageContaining("without answering")
                    .hasMessageNotContaining("null");
        }
    }

    @Test
    void shouldReportAnUnreachableSocketAsNothingSent() throws Exception {
        try (HandoffSender sender = new HandoffSender(Duration.ofSeconds(5));
             Client c = Client.connect()) {
            assertThatThrownBy(() -> sender.handOff(tmp.resolve("absent.sock"), "", "p", 0, c.atSwitch(), FIRST))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(HandoffUnansweredException.class);
        }
    }

    @Test
    void shouldReturnARefusal() throws Exception {
        Path path = tmp.resolve("refusing.sock");
        try (AFUNIXServerSocket server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(path.toFile()));
             HandoffSender sender = new HandoffSender(Duration.ofSeconds(20));
             Client c = Client.connect()) {
            fakeNode(server, s -> {
                try {
                    HandoffCodec.writeReply(s.getOutputStream(), HandoffReply.refused(ErrorCode.UNAVAILABLE, "at the limit"));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            HandoffReply reply = sender.handOff(path, "", "p", 0, c.atSwitch(), FIRST);
            assertThat(reply.error()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(reply.message()).isEqualTo("at the limit");
        }
    }

    @Test
    void shouldNameTheClassOfAnExceptionWithoutAMessage() {
        assertThat(HandoffSender.describe(new java.io.EOFException())).isEqualTo("java.io.EOFException");
        assertThat(HandoffSender.describe(new IOException("broken pipe"))).isEqualTo("IOException: broken pipe");
    }
}
