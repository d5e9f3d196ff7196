package dev.caravan.wire.resp;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SessionLinkConnection#openTls} through a {@link RespTlsFront} to a stand-in data endpoint
 * that speaks the link's hello and answers one batch: the link works over TLS, its idle probe sees
 * the far end close, and a foreign or plaintext identity never opens a link.
 */
class SessionLinkTlsTest {
    @TempDir
    static Path dir;
    private static ServerSocket endpoint;
    private static RespTlsFront front;
    private static TransportSecurity switchIdentity;
    private static TransportSecurity foreign;
    /** The stand-in endpoint's accepted connections, to close them from the test. */
    private static final BlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test");
        ca.issue("n1", "node", "", List.of(), List.of(), Duration.ofDays(1));
        ca.issue("s1", "node", "", List.of(), List.of(), Duration.ofDays(1));
        switchIdentity = TransportSecurity.mutualTls(ca.identityDirectory("s1"));
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other"), "other");
        other.issue("s9", "node", "", List.of(), List.of(), Duration.ofDays(1));
        foreign = TransportSecurity.mutualTls(other.identityDirectory("s9"));
        endpoint = new ServerSocket(0, 16, java.net.InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon(true).start(SessionLinkTlsTest::serve);
        front = new RespTlsFront(TransportSecurity.mutualTls(ca.identityDirectory("n1")), new InetSocketAddress("127.0.0.1", 0),
                new InetSocketAddress("127.0.0.1", endpoint.getLocalPort()));
    }

    @AfterAll
    static void stop() throws IOException {
        front.close();
        endpoint.close();
    }

    /** Answers the hello +OK and each batch of one command with the link's framed reply {@code *2 $1 . +PONG}. */
    private static void serve() {
        while (!endpoint.isClosed()) {
            Socket s;
            try {
                s = endpoint.accept();
            } catch (IOException e) {
                return;
            }
            accepted.add(s);
            Thread.ofVirtual().start(() -> {
                try (s) {
                    RespReader in = new RespReader(s.getInputStream(), RespLimits.DEFAULTS);
                    OutputStream out = s.getOutputStream();
                    Command c;
                    while ((c = in.read()) != null) {
                        String name = c.name().toUpperCase(java.util.Locale.ROOT);
                        if (name.equals(SessionLink.HELLO)) {
                            out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                        } else if (name.equals(SessionLink.BATCH)) {
                            in.read(); // the batch's one command
                            out.write("*2\r\n$1\r\n.\r\n+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        out.flush();
                    }
                } catch (IOException | RuntimeException e) {
                    // The test closed it.
                }
            });
        }
    }

    @Test
    void aBatchCrossesTheLinkOverTlsAndTheIdleProbeSeesTheFarEndClose() throws Exception {
        accepted.clear();
        AtomicLong now = new AtomicLong();
        try (SessionLinkConnection link = SessionLinkConnection.openTls(switchIdentity,
                new InetSocketAddress("127.0.0.1", front.port()), "", now::get)) {
            assertThat(link.isTls()).isTrue();
            Reply[] replies = link.batch(7, "127.0.0.1:5000", "127.0.0.1:6379", new Command[] {Command.of("PING")});
            assertThat(replies).containsExactly(new Reply.Simple("PONG"));
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
            assertThat(link.looksOpen()).as("idle, nothing to read: open").isTrue();
            // Still usable after the probe's timed-out read.
            assertThat(link.batch(7, "127.0.0.1:5000", "127.0.0.1:6379", new Command[] {Command.of("PING")}))
                    .containsExactly(new Reply.Simple("PONG"));
            Socket far = accepted.poll(10, TimeUnit.SECONDS);
            assertThat(far).isNotNull();
            far.close();
            now.addAndGet(TimeUnit.SECONDS.toNanos(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (link.looksOpen() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(link.looksOpen()).as("the endpoint closed: the front closed the TLS side").isFalse();
        }
    }

    @Test
    void anIdentityFromAnotherCaOpensNoLink() {
        assertThatThrownBy(() -> SessionLinkConnection.openTls(foreign, new InetSocketAddress("127.0.0.1", front.port()), "",
                System::nanoTime)).isInstanceOf(IOException.class);
    }

    @Test
    void aPlaintextTransportIsNotATlsLink() {
        assertThatThrownBy(() -> SessionLinkConnection.openTls(TransportSecurity.plaintext(),
                new InetSocketAddress("127.0.0.1", front.port()), "", System::nanoTime)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTlsLinkToAPlaintextPortFails() {
        assertThatThrownBy(() -> SessionLinkConnection.openTls(switchIdentity,
                new InetSocketAddress("127.0.0.1", endpoint.getLocalPort()), "", System::nanoTime)).isInstanceOf(IOException.class);
    }
}
