package dev.caravan.wire.security;

import dev.caravan.pki.CertificateAuthority;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransportSecurityTest {
    @TempDir
    Path dir;

    @Test
    void certificatesFromTheCaCompleteATls13HandshakeAndCarryIdentities() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("pki"), "t");
        ca.issue("naming", "node", "", List.of(), List.of(), Duration.ofDays(1));
        ca.issue("alice", "operator", "team-a", List.of(), List.of(), Duration.ofDays(1));
        TransportSecurity server = TransportSecurity.mutualTls(ca.identityDirectory("naming"));
        TransportSecurity client = TransportSecurity.mutualTls(ca.identityDirectory("alice"));

        try (ServerSocket ss = server.newServerSocket()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Identity> seen = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ss.accept()) {
                    server.handshake(s);
                    return TransportSecurity.peerIdentity(s);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            try (Socket s = client.newClientSocket()) {
                s.connect(new InetSocketAddress("127.0.0.1", ss.getLocalPort()), 5000);
                client.handshake(s);
                assertThat(((SSLSocket) s).getSession().getProtocol()).isEqualTo("TLSv1.3");
                assertThat(TransportSecurity.peerIdentity(s)).isEqualTo(new Identity("naming", Role.NODE, "", "certificate"));
            }
            assertThat(seen.get(10, TimeUnit.SECONDS)).isEqualTo(new Identity("alice", Role.OPERATOR, "team-a", "certificate"));
        }
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("pki"), "t");
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other"), "t");
        ca.issue("naming", "node", "", List.of(), List.of(), Duration.ofDays(1));
        other.issue("mallory", "admin", "", List.of(), List.of(), Duration.ofDays(1));
        TransportSecurity server = TransportSecurity.mutualTls(ca.identityDirectory("naming"));
        TransportSecurity client = TransportSecurity.mutualTls(other.identityDirectory("mallory"));

        try (ServerSocket ss = server.newServerSocket()) {
            ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            CompletableFuture<Throwable> serverSide = CompletableFuture.supplyAsync(() -> {
                try (Socket s = ss.accept()) {
                    s.setSoTimeout(10_000);
                    server.handshake(s);
                    return null;
                } catch (Exception e) {
                    return e;
                }
            });
            try (Socket s = client.newClientSocket()) {
                s.connect(new InetSocketAddress("127.0.0.1", ss.getLocalPort()), 5000);
                assertThatThrownBy(() -> client.handshake(s)).isInstanceOf(SSLException.class);
            }
            assertThat(serverSide.get(10, TimeUnit.SECONDS)).isInstanceOf(Exception.class);
        }
    }
}
