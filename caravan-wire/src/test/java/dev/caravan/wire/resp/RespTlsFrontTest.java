package dev.caravan.wire.resp;

import dev.caravan.pki.CertificateAuthority;
import dev.caravan.wire.security.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real redis-cli 7.0 with --tls through a {@link RespTlsFront} to a plaintext RESP endpoint (a real redis-server). */
class RespTlsFrontTest {
    @TempDir
    static Path dir;
    private static Process redis;
    private static RespTlsFront front;
    private static Path client;
    private static Path foreign;

    @BeforeAll
    static void start() throws Exception {
        int plainPort;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            plainPort = s.getLocalPort();
        }
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(plainPort), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no").redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", plainPort), 500);
                break;
            } catch (java.io.IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.onSpinWait();
            }
        }
        CertificateAuthority ca = CertificateAuthority.create(dir.resolve("ca"), "test");
        ca.issue("n1", "node", "", List.of(), List.of(), Duration.ofDays(1));
        ca.issue("alice", "operator", "", List.of(), List.of(), Duration.ofDays(1));
        client = ca.identityDirectory("alice");
        CertificateAuthority other = CertificateAuthority.create(dir.resolve("other"), "other");
        other.issue("mallory", "admin", "", List.of(), List.of(), Duration.ofDays(1));
        foreign = other.identityDirectory("mallory");
        front = new RespTlsFront(TransportSecurity.mutualTls(ca.identityDirectory("n1")),
                new InetSocketAddress("127.0.0.1", 0), new InetSocketAddress("127.0.0.1", plainPort));
    }

    @AfterAll
    static void stop() throws Exception {
        if (front != null) {
            front.close();
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldServeRedisCliOverTlsWithAClusterCertificate() throws Exception {
        assertThat(cli(client, client, "SET", "k", "over-tls")).isEqualTo("OK");
        assertThat(cli(client, client, "GET", "k")).isEqualTo("over-tls");
    }

    @Test
    void shouldDropAClientWithACertificateFromAnotherCa() throws Exception {
        assertThat(cli(client, foreign, "PING")).doesNotContain("PONG");
    }

    @Test
    void shouldDropAClientWithoutACertificate() throws Exception {
        assertThat(cli(client, null, "PING")).doesNotContain("PONG");
    }

    /** redis-cli --tls trusting {@code trust}'s ca.crt and presenting {@code identity}'s certificate (none when null). */
    private static String cli(Path trust, Path identity, String... command) throws Exception {
        List<String> args = new ArrayList<>(List.of("redis-cli", "--tls", "--cacert", trust.resolve("ca.crt").toString()));
        if (identity != null) {
            args.addAll(List.of("--cert", identity.resolve("identity.crt").toString(), "--key", identity.resolve("identity.key").toString()));
        }
        args.addAll(List.of("-h", "127.0.0.1", "-p", Integer.toString(front.port())));
        args.addAll(List.of(command));
        Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
