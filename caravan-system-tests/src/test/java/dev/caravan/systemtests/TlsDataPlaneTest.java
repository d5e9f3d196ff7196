package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.client.NodeControl;
import dev.caravan.naming.NamingEntry;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The data plane of a TLS cluster whose nodes run {@code --resp-tls}: the real
 * {@code redis-cli --tls} reaches a kv process on its node's JVM with the admin identity (and not
 * without a certificate), ps shows the TLS endpoint, the TLS endpoint follows the process to its
 * new node and closes when it stops, and a client of the switch's front end (or of the process's
 * stable endpoint) reaches the process through session links to the process's TLS port.
 */
class TlsDataPlaneTest {
    private static CaravanCluster cluster;
    private static Path admin;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).withSwitch().withTls().withNodeArgs("--resp-tls").start();
        admin = cluster.local().pki().orElseThrow().admin();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static NamingEntry entry(String process) {
        return cluster.client().naming().lookup("process/" + process).orElseThrow();
    }

    private static int tlsPort(NamingEntry e) {
        return Integer.parseInt(e.attributes().get("tls-port"));
    }

    /** redis-cli (7.0) with {@code pre} options before the command; its output, stripped. */
    private static String redisCli(List<String> pre, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("redis-cli"));
        cmd.addAll(pre);
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    private static List<String> tls(String host, int port) {
        return List.of("--tls", "--cacert", admin.resolve("ca.crt").toString(), "--cert", admin.resolve("identity.crt").toString(),
                "--key", admin.resolve("identity.key").toString(), "-h", host, "-p", Integer.toString(port));
    }

    private static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void redisCliOverTlsReachesTheProcessAndPsShowsTheTlsEndpoint() throws Exception {
        ProcessInfo kv = cluster.deployKv("tls-cli", "n1");
        NamingEntry e = entry("tls-cli");
        int port = tlsPort(e);
        assertThat(port).isNotEqualTo(kv.dataPort());
        assertThat(redisCli(tls(e.host(), port), "SET", "k", "over-tls")).isEqualTo("OK");
        assertThat(redisCli(tls(e.host(), port), "GET", "k")).isEqualTo("over-tls");
        // The plaintext endpoint still serves (as redis-server's port beside tls-port): the same process.
        assertThat(redisCli(List.of("-h", kv.dataHost(), "-p", Integer.toString(kv.dataPort())), "GET", "k")).isEqualTo("over-tls");
        // Without a client certificate the handshake fails: nothing reaches the process.
        String noCert = redisCli(List.of("--tls", "--cacert", admin.resolve("ca.crt").toString(), "-h", e.host(), "-p",
                Integer.toString(port)), "GET", "k");
        assertThat(noCert).doesNotContain("over-tls");
        // A plaintext client on the TLS port gets no reply either.
        assertThat(redisCli(List.of("-h", e.host(), "-p", Integer.toString(port)), "GET", "k")).doesNotContain("over-tls");

        Console.Result ps = Console.run("ps", "--naming", cluster.namingHostPort(), "--json");
        assertThat(ps.exitCode()).isEqualTo(0);
        assertThat(ps.out()).contains("\"tlsEndpoint\"").contains(e.host() + ":" + port);
        Console.Result table = Console.run("ps", "--naming", cluster.namingHostPort());
        assertThat(table.out()).contains("TLS ENDPOINT").contains(e.host() + ":" + port);

        cluster.control("n1").stop("tls-cli");
        await().atMost(Duration.ofSeconds(10)).until(() -> !accepts(e.host(), port));
    }

    @Test
    void theTlsEndpointFollowsTheProcessAndTheSwitchReachesItOverTls() throws Exception {
        ProcessInfo deployed = cluster.deployKv("tls-sw", "n1");
        NamingEntry before = entry("tls-sw");
        int oldPort = tlsPort(before);
        NamingEntry front = await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.client().naming().lookup("front/tls-sw"), java.util.Optional::isPresent).orElseThrow();
        List<String> viaSwitch = List.of("-h", front.host(), "-p", Integer.toString(front.port()));
        assertThat(redisCli(viaSwitch, "SET", "k", "via-switch")).isEqualTo("OK");
        assertThat(redisCli(viaSwitch, "GET", "k")).isEqualTo("via-switch");
        // The switch's pooled session link is a connection to the process's TLS port (no one else holds one now).
        assertThat(establishedTo(oldPort)).isPositive();

        InetSocketAddress control = cluster.client().resolve("tls-sw").orElseThrow().control();
        MigrationReport report = NodeControl.migrate(control, "", new MigrationRequest("tls-sw", "n2", MigrationMode.PRE_COPY,
                50, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(2));
        assertThat(report.outcome().label()).isEqualTo("committed");

        NamingEntry after = entry("tls-sw");
        assertThat(after.node()).isEqualTo("n2");
        int newPort = tlsPort(after);
        assertThat(redisCli(tls(after.host(), newPort), "GET", "k")).isEqualTo("via-switch");
        // The old TLS port relays to the old endpoint, which answers MOVED until it closes.
        assertThat(redisCli(tls(before.host(), oldPort), "GET", "k")).contains("MOVED");
        // The switch follows the move, still over TLS.
        assertThat(redisCli(viaSwitch, "GET", "k")).isEqualTo("via-switch");
        assertThat(establishedTo(newPort)).isPositive();
        // The process's stable endpoint on its home node n1 forwards over TLS to n2's TLS endpoint too.
        String[] stable = deployed.front().split(":");
        assertThat(redisCli(List.of("-h", stable[0], "-p", stable[1]), "GET", "k")).isEqualTo("via-switch");
    }

    /** Established TCP connections to {@code port} on this machine ({@code ss}). */
    private static int establishedTo(int port) throws Exception {
        Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "( dport = :" + port + " )").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return (int) out.lines().filter(l -> !l.isBlank()).count();
    }
}
