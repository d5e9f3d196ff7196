package dev.caravan.launch.net;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The namespace fixture for real: TCP between hosts and from this JVM, link cuts, tbf caps and the
 * latency emulator, measured with {@link NetProbeMain} servers running inside the hosts.
 */
class NetHostsTest {
    private static NetHosts net;
    private static final List<Process> servers = new ArrayList<>();
    private static int port1;
    private static int port2;

    @BeforeAll
    static void startHosts() throws IOException {
        assumeThat(NetHosts.available()).as(String.valueOf(NetHosts.unavailableReason())).isTrue();
        net = NetHosts.create(2);
        port1 = startServer(net.host(1));
        port2 = startServer(net.host(2));
    }

    @AfterAll
    static void closeHosts() {
        for (Process p : servers) {
            p.destroyForcibly();
        }
        if (net != null) {
            net.close();
        }
    }

    @Test
    void shouldConnectHostsToEachOtherAndToTheTestJvm() throws Exception {
        TestHost h1 = net.host(1);
        TestHost h2 = net.host(2);
        assertThat(h1.address()).isNotEqualTo(h2.address()).startsWith("10.213.");
        assertThat(net.gatewayAddress()).startsWith("10.213.").endsWith(".1");
        assertThat(h1.execPrefix()).containsExactly("ip", "netns", "exec", h1.name());

        assertThat(pingFrom(h2, h1.address(), port1)).isEqualTo("ok");
        assertThat(pingFrom(h1, h2.address(), port2)).isEqualTo("ok");
        assertThat(roundTripMicros(h1.address(), port1, 3)).isPositive();
        assertThat(roundTripMicros(h2.address(), port2, 3)).isPositive();
        // loopback is up inside a host
        assertThat(run(h1, "ip", "-o", "link", "show", "lo")).contains("UP");
    }

    @Test
    void shouldDropAllTrafficOfACutHostUntilItsLinkIsRestored() throws Exception {
        TestHost h1 = net.host(1);
        try (Socket s = connect(h1.address(), port1, 'e')) {
            s.setSoTimeout(500);
            s.getOutputStream().write(1);
            assertThat(s.getInputStream().read()).isEqualTo(1);

            h1.cutLink();
            try {
                s.getOutputStream().write(2);
                assertThatThrownBy(() -> s.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                assertThatThrownBy(() -> connect(h1.address(), port1, 'e')).isInstanceOf(SocketTimeoutException.class);
                assertThat(pingFrom(net.host(2), h1.address(), port1, Duration.ofMillis(500))).isNotEqualTo("ok");
            } finally {
                h1.restoreLink();
            }
            // the established connection resumes: TCP retransmits the byte sent during the cut
            s.setSoTimeout(10_000);
            assertThat(s.getInputStream().read()).isEqualTo(2);
        }
        assertThat(roundTripMicros(h1.address(), port1, 3)).isPositive();
    }

    @Test
    void shouldCapBandwidthInBothDirectionsAndRemoveTheCap() throws Exception {
        TestHost h2 = net.host(2);
        long capBitsPerSecond = 40_000_000;
        h2.limitBandwidth(capBitsPerSecond);
        try {
            double towardHost = bitsPerSecondToward(h2.address(), port2, Duration.ofMillis(1500));
            double fromHost = bitsPerSecondFrom(h2.address(), port2, Duration.ofMillis(1500));
            System.out.printf("40 Mbit/s cap: %.1f Mbit/s toward the host, %.1f Mbit/s from it%n", towardHost / 1e6,
                    fromHost / 1e6);
            assertThat(towardHost).as("toward the host, bit/s").isBetween(0.75 * capBitsPerSecond, 1.25 * capBitsPerSecond);
            assertThat(fromHost).as("from the host, bit/s").isBetween(0.75 * capBitsPerSecond, 1.25 * capBitsPerSecond);
        } finally {
            h2.limitBandwidth(0);
        }
        assertThat(bitsPerSecondToward(h2.address(), port2, Duration.ofMillis(800))).isGreaterThan(3.0 * capBitsPerSecond);
    }

    @Test
    void shouldHoldTheCapThroughTheLatencyEmulator() throws Exception {
        TestHost h2 = net.host(2);
        long capBitsPerSecond = 40_000_000;
        h2.limitBandwidth(capBitsPerSecond);
        h2.addLatency(Duration.ofMillis(10));
        try {
            double towardHost = bitsPerSecondToward(h2.address(), port2, Duration.ofMillis(2000));
            double fromHost = bitsPerSecondFrom(h2.address(), port2, Duration.ofMillis(1500));
            System.out.printf("40 Mbit/s cap + 10 ms: %.1f Mbit/s toward the host, %.1f Mbit/s from it%n",
                    towardHost / 1e6, fromHost / 1e6);
            assertThat(towardHost).as("toward the host, bit/s").isBetween(0.75 * capBitsPerSecond, 1.25 * capBitsPerSecond);
            assertThat(fromHost).as("from the host, bit/s").isBetween(0.75 * capBitsPerSecond, 1.25 * capBitsPerSecond);
        } finally {
            h2.addLatency(Duration.ZERO);
            h2.limitBandwidth(0);
        }
    }

    @Test
    void shouldDelayFramesBothWaysAndRemoveTheDelay() throws Exception {
        TestHost h1 = net.host(1);
        h1.addLatency(Duration.ofMillis(10));
        try {
            long rtt = roundTripMicros(h1.address(), port1, 11);
            assertThat(rtt).as("RTT µs through a 10 ms one-way emulator").isBetween(20_000L, 40_000L - 1);
            assertThat(pingFrom(net.host(2), h1.address(), port1)).isEqualTo("ok");

            h1.cutLink();
            try {
                assertThatThrownBy(() -> connect(h1.address(), port1, 'e')).isInstanceOf(SocketTimeoutException.class);
            } finally {
                h1.restoreLink();
            }
            assertThat(roundTripMicros(h1.address(), port1, 5)).as("RTT µs after a cut with the emulator").isBetween(20_000L, 40_000L - 1);

            h1.addLatency(Duration.ofMillis(3));
            assertThat(roundTripMicros(h1.address(), port1, 11)).isBetween(6_000L, 19_999L);

            double bitsPerSecond = bitsPerSecondToward(h1.address(), port1, Duration.ofMillis(1500));
            System.out.printf("link emulator throughput (3 ms one-way): %.1f MB/s%n", bitsPerSecond / 8e6);
            assertThat(bitsPerSecond / 8).as("emulator throughput, bytes/s").isGreaterThan(10e6);
        } finally {
            h1.addLatency(Duration.ZERO);
        }
        assertThat(roundTripMicros(h1.address(), port1, 11)).isLessThan(2_000L);
        assertThat(Files.exists(Path.of("/sys/class/net", "cv" + net.bridgeName().substring(3) + "l1"))).isFalse();
    }

    @Test
    void shouldGiveConcurrentFixturesTheirOwnNetworkAndLeaveNothingBehind() throws Exception {
        NetHosts other = NetHosts.create(1);
        String otherBridge = other.bridgeName();
        TestHost host = other.host(1);
        try {
            assertThat(otherBridge).isNotEqualTo(net.bridgeName());
            assertThat(host.name()).isNotIn(net.hosts().stream().map(TestHost::name).toList());
            String otherNetwork = host.address().substring(0, host.address().lastIndexOf('.'));
            assertThat(net.host(1).address()).doesNotStartWith(otherNetwork + ".");
            host.addLatency(Duration.ofMillis(1));
            host.limitBandwidth(10_000_000);
        } finally {
            other.close();
            other.close(); // idempotent
        }
        assertThat(NetCommands.run("ip", "netns", "list")).doesNotContain(host.name());
        assertThat(Files.exists(Path.of("/sys/class/net", otherBridge))).isFalse();
        assertThat(Files.exists(Path.of("/sys/class/net", host.linkName()))).isFalse();
        assertThat(NetCommands.run("ip", "-o", "link", "show")).doesNotContain(host.linkName() + ":")
                .doesNotContain(otherBridge + ":");
        assertThatThrownBy(host::cutLink).isInstanceOf(IllegalStateException.class);
        // the first fixture is untouched
        assertThat(roundTripMicros(net.host(1).address(), port1, 3)).isPositive();
    }

    @Test
    void shouldDeleteWhatACrashedFixtureLeftBehind() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        assertThat(dead.waitFor(10, TimeUnit.SECONDS)).isTrue();
        int index = 250;
        while (true) {
            SubnetLease free = SubnetLease.tryLock(index);
            if (free != null) {
                free.close();
                break;
            }
            index--;
        }
        String namespace = "caravan-" + dead.pid() + "-" + index + "-h1";
        String bridge = "cvb" + index;
        String strayVeth = "cv" + index + "l1";
        NetCommands.run("ip", "netns", "add", namespace);
        NetCommands.run("ip", "link", "add", bridge, "type", "bridge");
        NetCommands.run("ip", "link", "add", strayVeth, "type", "veth", "peer", "name", "cv" + index + "m1");
        try {
            NetHosts.create(1).close();
        } finally {
            assertThat(NetCommands.run("ip", "netns", "list")).doesNotContain(namespace);
            assertThat(Files.exists(Path.of("/sys/class/net", bridge))).isFalse();
            assertThat(Files.exists(Path.of("/sys/class/net", strayVeth))).isFalse();
        }
    }

    private static int startServer(TestHost host) throws IOException {
        Process p = host.exec(javaCommand("server", host.address()));
        servers.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).as("server in " + host).startsWith("port ");
        return Integer.parseInt(line.substring(5));
    }

    private static String pingFrom(TestHost host, String address, int port) throws Exception {
        return pingFrom(host, address, port, Duration.ofSeconds(5));
    }

    private static String pingFrom(TestHost host, String address, int port, Duration timeout) throws Exception {
        Process p = host.exec(javaCommand("ping", address, Integer.toString(port), Long.toString(timeout.toMillis())));
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private static String run(TestHost host, String... command) throws Exception {
        Process p = host.exec(command);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private static String[] javaCommand(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                NetProbeMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd.toArray(String[]::new);
    }

    private static Socket connect(String address, int port, char mode) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(address, port), 500);
            s.setTcpNoDelay(true);
            s.getOutputStream().write(mode);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Median of {@code rounds} one-byte echo round trips on one connection, in µs. */
    private static long roundTripMicros(String address, int port, int rounds) throws IOException {
        try (Socket s = connect(address, port, 'e')) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(0);
            assertThat(in.read()).isZero(); // warm-up: ARP, emulator start
            long[] rtts = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                long start = System.nanoTime();
                out.write(i);
                assertThat(in.read()).isEqualTo(i);
                rtts[i] = (System.nanoTime() - start) / 1000;
            }
            Arrays.sort(rtts);
            return rtts[rounds / 2];
        }
    }

    /**
     * Sends for {@code sending}; the rate is what the server received after its first
     * {@link NetProbeMain#WARM_UP_MS} ms, timed on the server's clock (the sender's own clock would
     * also count slow start, its buffers draining after it stopped and a round trip for the answer).
     */
    private static double bitsPerSecondToward(String address, int port, Duration sending) throws IOException {
        try (Socket s = connect(address, port, 'k')) {
            s.setSoTimeout(30_000);
            byte[] chunk = new byte[64 * 1024];
            long end = System.nanoTime() + sending.toNanos();
            while (System.nanoTime() < end) {
                s.getOutputStream().write(chunk);
            }
            s.shutdownOutput();
            DataInputStream answer = new DataInputStream(s.getInputStream());
            long received = answer.readLong();
            long nanos = answer.readLong();
            assertThat(nanos).as("server receiving time after its warm-up, ns").isPositive();
            return received * 8 / (nanos / 1e9);
        }
    }

    /** Reads what the server sends; the rate is measured after the first 300 ms (buffers and slow start). */
    private static double bitsPerSecondFrom(String address, int port, Duration reading) throws IOException {
        try (Socket s = connect(address, port, 's')) {
            s.setSoTimeout(5000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[256 * 1024];
            long warmEnd = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < warmEnd) {
                in.read(buf);
            }
            long start = System.nanoTime();
            long end = start + reading.toNanos();
            long total = 0;
            while (System.nanoTime() < end) {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total * 8 / ((System.nanoTime() - start) / 1e9);
        }
    }
}
