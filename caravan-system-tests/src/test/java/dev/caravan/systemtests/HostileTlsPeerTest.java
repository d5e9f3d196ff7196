package dev.caravan.systemtests;

import dev.caravan.launch.ClusterPki;
import dev.caravan.pki.CertificateAuthority;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hostile-peer suite's TLS half: a cluster whose naming, node control and page-stream ports
 * run over mutual TLS ({@link CaravanCluster.Builder#withTls()}), and peers that do not belong:
 * <ul>
 *   <li>a certificate from another CA (role {@code node}, the right name and address, but signed by
 *       a CA the cluster never trusted; the client itself trusts the cluster's CA, so only the
 *       server's check can refuse it): the handshake fails, nothing reaches a handler, and a page
 *       stream that is sent the right nonce and a complete round is never acknowledged;</li>
 *   <li>a plaintext client: on a binary port one UNAUTHENTICATED line saying to set CARAVAN_TLS; on a
 *       page stream a close without an acknowledgement.</li>
 * </ul>
 * Every case also asserts that a client with the cluster's own certificate is served meanwhile.
 */
class HostileTlsPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static CaravanCluster cluster;
    /** The n1 identity from the cluster's CA: what a real source node presents. */
    private static TransportSecurity member;
    /** A {@code node} certificate from another CA, trusting the cluster's CA. */
    private static TransportSecurity foreign;

    record Port(String name, Supplier<InetSocketAddress> address) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).withTls().start();
        ClusterPki pki = cluster.local().pki().orElseThrow();
        member = TransportSecurity.mutualTls(pki.member("n1", "127.0.0.1"));
        Path elsewhere = cluster.workDir().resolve("foreign-ca");
        Path foreignIdentity = cluster.workDir().resolve("foreign-n1");
        CertificateAuthority.create(elsewhere, "foreign").issue("n1", "node", "", List.of(), List.of("127.0.0.1"),
                Duration.ofDays(1), foreignIdentity);
        Files.copy(pki.directory().resolve(CertificateAuthority.CA_CERT), foreignIdentity.resolve(CertificateAuthority.CA_CERT),
                StandardCopyOption.REPLACE_EXISTING);
        foreign = TransportSecurity.mutualTls(foreignIdentity);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    static List<Port> ports() {
        return List.of(new Port("naming", () -> cluster.namingAddress()),
                new Port("node control", () -> cluster.controlAddress("n1")));
    }

    private static void assertServed(InetSocketAddress at) {
        try (FrameClient good = FrameClient.connect(at, new Hello("good-client", ""), WAIT, member)) {
            assertThat(good.call(Op.PING, new byte[0], WAIT).type()).as(at + " answers PING over TLS").isEqualTo(Op.OK);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void shouldRefuseACertificateFromAnotherCa(Port port) {
        InetSocketAddress at = port.address().get();

        assertThatThrownBy(() -> {
            try (FrameClient evil = FrameClient.connect(at, new Hello("n1", ""), WAIT, foreign)) {
                evil.call(Op.PING, new byte[0], WAIT);
            }
        }).as(port + " refuses a certificate its CA did not sign").isInstanceOf(RuntimeException.class);
        assertServed(at);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void shouldTellAPlaintextClientToUseTls(Port port) {
        InetSocketAddress at = port.address().get();

        assertThatThrownBy(() -> FrameClient.connect(at, new Hello("plain", ""), WAIT).close())
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED))
                .hasMessageContaining("expects TLS").hasMessageContaining("CARAVAN_TLS");
        assertServed(at);
    }

    @Test
    void shouldNeverAcknowledgeAPageStreamFromAForeignCertificateOrAPlaintextPeer() throws Exception {
        InetSocketAddress control = cluster.controlAddress("n1");
        try (FrameClient source = FrameClient.connect(control, new Hello("n1", ""), WAIT, member)) {
            MigrationMessages.BeginReply first = HostilePeerTest.beginArrival(source, "tls-hostile-arrival-1", WAIT);
            assertThat(roundOver(foreign.newClientSocket(), control, first)).as("foreign certificate: no ack").isEmpty();

            MigrationMessages.BeginReply second = HostilePeerTest.beginArrival(source, "tls-hostile-arrival-2", WAIT);
            assertThat(roundOver(new Socket(), control, second)).as("plaintext peer: no ack").isEmpty();

            // Plaintext whose first bytes read as an SSLv2 record header of 32 KiB (a random nonce does so half the
            // time, seen in CI): the TLS handshake would wait for the rest, so the stream's handshake deadline ends it.
            MigrationMessages.BeginReply third = HostilePeerTest.beginArrival(source, "tls-hostile-arrival-3", WAIT);
            assertThat(roundOver(new Socket(), control, third.streamPort(), new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 3, 1}))
                    .as("a partial record: cut at the handshake deadline, no ack").isEmpty();
        }
        assertServed(control);
    }

    /**
     * Sends the stream's nonce and an empty round (which a member's stream gets acknowledged with
     * one byte 0x06) and returns what came back before the close; a failed handshake is a close.
     */
    private static byte[] roundOver(Socket s, InetSocketAddress control, MigrationMessages.BeginReply begin) throws IOException {
        return roundOver(s, control, begin.streamPort(), ByteBuffer.allocate(12).putLong(begin.nonce()).putInt(-1).array());
    }

    /** Sends {@code first} to the page-stream port and returns what came back before the close. */
    private static byte[] roundOver(Socket s, InetSocketAddress control, int streamPort, byte[] first) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        try (s) {
            s.connect(new InetSocketAddress(control.getAddress(), streamPort), (int) WAIT.toMillis());
            s.setSoTimeout((int) WAIT.toMillis());
            try {
                s.getOutputStream().write(first);
                s.getOutputStream().flush();
                byte[] buf = new byte[256];
                for (int n = s.getInputStream().read(buf); n >= 0; n = s.getInputStream().read(buf)) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the page stream neither answered nor closed within " + WAIT);
            } catch (IOException refused) {
                // a failed handshake or a reset: closed
            }
        }
        return got.toByteArray();
    }
}
