package dev.caravan.systemtests;

import dev.caravan.launch.ChildJvm;
import dev.caravan.naming.NamingEntry;
import dev.caravan.switching.admin.AdminClient;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The switch in a real cluster (naming, a node and a switch, each in its own JVM): it registers in
 * naming, gives every process a front end by name, and comes back on the same ports after it was
 * killed. Reaching kv through the switch needs the PROCESS-mode front end (sw-resp's
 * ProcessFrontend, wired into {@code Frontends} at merge).
 */
class SwitchDaemonTest {
    private static CaravanCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A RESP command in, one reply line out (redis-cli's bytes: an array of bulk strings). */
    private static String command(Socket s, BufferedReader in, String... args) throws IOException {
        StringBuilder b = new StringBuilder("*" + args.length + "\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        OutputStream out = s.getOutputStream();
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        String line = in.readLine();
        if (line != null && line.startsWith("$") && !line.equals("$-1")) {
            return in.readLine();
        }
        return line;
    }

    private static Socket connect(InetSocketAddress a) throws IOException {
        Socket s = new Socket(a.getAddress(), a.getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    private static BufferedReader reader(Socket s) throws IOException {
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    }

    private static NamingEntry awaitFront(String process) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> cluster.client().naming().lookup("front/" + process),
                Optional::isPresent).orElseThrow();
    }

    @Test
    void shouldRegisterInNamingAndComeBackOnItsAdminPortAfterAKill() throws Exception {
        InetSocketAddress admin = cluster.local().switchAdmin();
        NamingEntry entry = cluster.client().naming().lookup("switch/s1").orElseThrow();
        assertThat(entry.port()).isEqualTo(admin.getPort());
        assertThat(entry.attribute("role")).isEqualTo("switch");
        AdminClient client = new AdminClient(admin, "", Duration.ofSeconds(10));
        assertThat(client.get("/frontends").has("frontends")).isTrue();

        cluster.local().switchJvm().kill();
        ChildJvm again = cluster.local().restartSwitch();
        assertThat(again.isAlive()).isTrue();
        assertThat(cluster.local().switchAdmin()).isEqualTo(admin);
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.client().naming().lookup("switch/s1")
                .map(e -> e.port() == admin.getPort() && e.epoch() > entry.epoch()).orElse(false));
        assertThat(client.get("/backends").has("backends")).isTrue();
    }

    /** Needs ProcessFrontend (sw-resp) in {@code Frontends}: passes after the merge. */
    @Test
    void shouldServeAProcessByNameThroughTheSwitchAndAgainAfterTheSwitchRestarts() throws Exception {
        cluster.deployKv("switched", "n1");
        NamingEntry front = awaitFront("switched");
        assertThat(front.attribute("switch")).isEqualTo("s1");
        InetSocketAddress viaSwitch = new InetSocketAddress(front.host(), front.port());
        // caravan ps reads the SWITCH column from this entry.
        try (Socket s = connect(viaSwitch)) {
            BufferedReader in = reader(s);
            assertThat(command(s, in, "SET", "greeting", "hello")).isEqualTo("+OK");
            assertThat(command(s, in, "GET", "greeting")).isEqualTo("hello");

            cluster.local().switchJvm().kill();
            assertThat(in.read()).as("the killed switch's client connection is closed").isEqualTo(-1);
        }
        cluster.local().restartSwitch();
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.client().naming().lookup("front/switched")
                .map(e -> e.epoch() > front.epoch()).orElse(false));
        assertThat(cluster.client().naming().lookup("front/switched").orElseThrow().port()).isEqualTo(front.port());
        try (Socket s = connect(viaSwitch)) {
            BufferedReader in = reader(s);
            assertThat(command(s, in, "GET", "greeting")).isEqualTo("hello");
            assertThat(command(s, in, "INCR", "visits")).isEqualTo(":1");
        }
    }
}
