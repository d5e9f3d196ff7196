package dev.caravan.wire.net;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameServerTlsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    @TempDir
    static Path dir;
    static CertificateAuthority ca;
    static TransportSecurity serverTls;
    static TransportSecurity aliceTls;

    private final AtomicInteger served = new AtomicInteger();
    /** Answers with the identity the connection carries: name/role/slice/via. */
    private final FrameHandler whoAmI = (c, request) -> {
        served.incrementAndGet();
        var id = c.identity();
        return Frame.ok(request.requestId(), (c.peerName() + " " + id.name() + " " + id.role().label() + " " + id.slice() + " " + id.via())
                .getBytes(StandardCharsets.UTF_8));
    };

    @BeforeAll
    static void issue() {
        ca = CertificateAuthority.create(dir.resolve("pki"), "t");
        ca.issue("naming", "node", "", List.of(), List.of(), Duration.ofDays(1));
        ca.issue("alice", "operator", "team-a", List.of(), List.of(), Duration.ofDays(1));
        serverTls = TransportSecurity.mutualTls(ca.identityDirectory("naming"));
        aliceTls = TransportSecurity.mutualTls(ca.identityDirectory("alice"));
    }

    private FrameServer server(TransportSecurity security, int maxConnections, Duration helloTimeout) throws Exception {
        return new FrameServer("naming", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), whoAmI, "secret",
                maxConnections, Frame.DEFAULT_MAX_FRAME_BYTES, helloTimeout, security);
    }

    private static String whoAmI(FrameClient c) {
        return new String(c.call(Op.PING, new byte[0], WAIT).body(), StandardCharsets.UTF_8);
    }

    @Test
    void theIdentityComesFromTheClientCertificateAndTheTokenIsIgnored() throws Exception {
        try (FrameServer server = server(serverTls, 4, Duration.ofSeconds(5));
             FrameClient c = FrameClient.connect(server.address(), new Hello("cli", "wrong-token"), WAIT, aliceTls)) {
            assertThat(whoAmI(c)).isEqualTo("cli alice operator team-a certificate");
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefusedBeforeTheHandler() throws Exception {
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other"), "t");
        other.issue("mallory", "admin", "", List.of(), List.of(), Duration.ofDays(1));
        TransportSecurity mallory = TransportSecurity.mutualTls(other.identityDirectory("mallory"));
        try (FrameServer server = server(serverTls, 4, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> FrameClient.connect(server.address(), new Hello("cli", ""), WAIT, mallory))
                    .isInstanceOf(CaravanException.class)
                    .satisfies(e -> assertThat(((CaravanException) e).code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                    .hasMessageContaining("certificate we do not trust")
                    .hasMessageContaining("is not issued by this cluster's CA (" + other.identityDirectory("mallory").resolve("ca.crt"))
                    .hasMessageNotContaining("sun.security").hasMessageNotContaining("PKIX").hasMessageNotContaining("Exception")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
            assertThat(served).hasValue(0);
        }
    }

    @Test
    void anExpiredClientCertificateIsRefused() throws Exception {
        ca.withClock(Clock.fixed(Instant.now().minus(Duration.ofDays(10)), ZoneOffset.UTC))
                .issue("old", "admin", "", List.of(), List.of(), Duration.ofDays(1));
        TransportSecurity old = TransportSecurity.mutualTls(ca.identityDirectory("old"));
        try (FrameServer server = server(serverTls, 4, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> FrameClient.connect(server.address(), new Hello("cli", ""), WAIT, old))
                    .isInstanceOf(CaravanException.class)
                    .hasMessageContaining("refused our certificate");
            assertThat(served).hasValue(0);
            try (FrameClient c = FrameClient.connect(server.address(), new Hello("cli", ""), WAIT, aliceTls)) {
                assertThat(whoAmI(c)).startsWith("cli alice");
            }
        }
    }

    @Test
    void aClientWithNoCertificateIsRefused() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext noCert = SSLContext.getInstance("TLSv1.3");
        noCert.init(null, tmf.getTrustManagers(), null);
        try (FrameServer server = server(serverTls, 4, Duration.ofSeconds(5));
             SSLSocket s = (SSLSocket) noCert.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            // The server may refuse (and close) before or after the HELLO is written: either way no reply comes.
            assertThatThrownBy(() -> {
                s.getOutputStream().write(FrameWriter.encode(new Hello("anon", "").toFrame(1)));
                s.getOutputStream().flush();
                s.getInputStream().read();
            }).isInstanceOf(java.io.IOException.class);
            assertThat(served).hasValue(0);
        }
    }

    @Test
    void aPlaintextClientOnATlsPortIsToldToSetCaravanTls() throws Exception {
        try (FrameServer server = server(serverTls, 4, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> FrameClient.connect(server.address(), new Hello("cli", "secret"), WAIT))
                    .isInstanceOf(CaravanException.class)
                    .hasMessage("naming on port " + server.port() + " expects TLS: set CARAVAN_TLS=DIR (an identity directory from 'caravan certs issue')");
            assertThat(served).hasValue(0);
        }
    }

    @Test
    void aTlsClientOnAPlaintextPortIsToldItIsPlaintext() throws Exception {
        try (FrameServer server = server(TransportSecurity.plaintext(), 4, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> FrameClient.connect(server.address(), new Hello("cli", "secret"), WAIT, aliceTls))
                    .isInstanceOf(CaravanException.class)
                    .hasMessage(server.address().getHostString() + ":" + server.port() + " is plaintext: unset CARAVAN_TLS (or start that daemon with --tls DIR)");
        }
    }

    @Test
    void aClientStalledMidHandshakeHoldsItsPermitOnlyUntilTheHelloTimeout() throws Exception {
        // Long enough for the good client's own TLS handshake and HELLO on a loaded machine.
        try (FrameServer server = server(serverTls, 1, Duration.ofSeconds(2));
             Socket stalled = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            stalled.setSoTimeout(10_000);
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            stalled.getOutputStream().flush();
            // The only permit is the stalled client's until the deadline closes it.
            try (FrameClient c = FrameClient.connect(server.address(), new Hello("cli", ""), WAIT, aliceTls)) {
                assertThat(whoAmI(c)).startsWith("cli alice");
            }
            InputStream in = stalled.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
