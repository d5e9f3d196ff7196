package dev.caravan.migration;

import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A TLS node hands sessions off to the destination's TLS port only, never to its plaintext data port. */
class HandOffLinkTest {
    @TempDir
    static Path dir;
    private static TransportSecurity node;

    @BeforeAll
    static void certificates() {
        node = TransportSecurity.mutualTls(TlsTestCertificates.issue(TlsTestCertificates.ca(dir.resolve("ca")), "n1", "node"));
    }

    @Test
    void aTlsNodeDialsTheTlsPortAndAPlaintextNodeTheDataPort() {
        InetSocketAddress data = new InetSocketAddress("127.0.0.1", 7001);
        assertThat(new HandOffLink(node, "t", data, 7003).target()).isEqualTo(new InetSocketAddress("127.0.0.1", 7003));
        assertThat(HandOffLink.plaintext(data, "t").target()).isEqualTo(data);
        assertThat(new HandOffLink(node, "t", data, 0).target()).isNull();
    }

    @Test
    void aTlsNodeNeverFallsBackToThePlaintextDataPort() throws Exception {
        try (ServerSocket plaintext = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress data = new InetSocketAddress("127.0.0.1", plaintext.getLocalPort());
            assertThatThrownBy(() -> new HandOffLink(node, "t", data, 0).open()).isInstanceOf(IOException.class)
                    .hasMessageContaining("has no RESP-over-TLS port; a TLS node hands no session off in plaintext");
            plaintext.setSoTimeout(200);
            assertThatThrownBy(plaintext::accept).as("nothing dialled the plaintext port").isInstanceOf(SocketTimeoutException.class);
        }
    }

    @Test
    void aTlsLinkToAPlaintextListenerFailsTheHandshake() throws Exception {
        try (ServerSocket plaintext = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> {
                try (var s = plaintext.accept()) {
                    s.getOutputStream().write("+OK\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (IOException ignored) {
                    // the test is over
                }
            });
            HandOffLink link = new HandOffLink(node, "t", new InetSocketAddress("127.0.0.1", 1), plaintext.getLocalPort());
            assertThatThrownBy(link::open).isInstanceOf(IOException.class);
        }
    }
}
