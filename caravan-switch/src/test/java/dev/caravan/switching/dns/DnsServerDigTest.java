package dev.caravan.switching.dns;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The server over real sockets, asked by the real {@code dig} (Debian bind9-dnsutils). */
class DnsServerDigTest {
    private LocalNamingService naming;
    private ZoneWatcher watcher;
    private DnsServer server;

    @BeforeEach
    void start() {
        naming = new LocalNamingService();
        long lease = naming.openLease("test", 60_000).id();
        naming.register(lease, new NamingEntry("process/web-1", "n1", "127.0.0.11", 8081, 1, Map.of("label.service", "web")));
        naming.register(lease, new NamingEntry("process/web-2", "n2", "127.0.0.12", 8082, 1, Map.of("label.service", "web")));
        for (int i = 0; i < 40; i++) {
            naming.register(lease, new NamingEntry("process/big-" + i, "n" + (i % 2 + 1), "127.0.1." + (i + 1), 9000 + i, 1,
                    Map.of("label.service", "big")));
        }
        Topology topology = Topology.parse("127.0.0.2/32 n1 n2\n127.0.0.3/32 n2 n1\n", "test");
        DnsServerConfig config = DnsServerConfig.of("caravan.internal", new InetSocketAddress("127.0.0.1", 0), 5, topology);
        watcher = ZoneWatcher.start(naming, config.zone(), 60_000);
        server = DnsServer.start(config, watcher::current, Clock.system());
    }

    @AfterEach
    void stop() {
        server.close();
        watcher.close();
        naming.close();
    }

    private List<String> dig(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(server.port()), "+time=2", "+tries=1"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return out.lines().toList();
    }

    @Test
    void shouldAnswerEachClientAddressWithItsClosestReplica() throws Exception {
        assertThat(dig("-b", "127.0.0.2", "web.caravan.internal", "A", "+short")).containsExactly("127.0.0.11");
        assertThat(dig("-b", "127.0.0.3", "web.caravan.internal", "A", "+short")).containsExactly("127.0.0.12");
        assertThat(dig("-b", "127.0.0.3", "+tcp", "web.caravan.internal", "A", "+short")).containsExactly("127.0.0.12");
        assertThat(dig("-b", "127.0.0.2", "_web._tcp.caravan.internal", "SRV", "+short"))
                .containsExactly("0 1 8081 web-1.caravan.internal.", "1 1 8082 web-2.caravan.internal.");
    }

    @Test
    void shouldBeAuthoritativeAndRefuseRecursionOutsideTheZone() throws Exception {
        String answer = String.join("\n", dig("web.caravan.internal", "A"));
        String refused = String.join("\n", dig("example.com", "A"));
        String norec = String.join("\n", dig("+norec", "example.com", "A"));
        String nx = String.join("\n", dig("nope.caravan.internal", "A"));

        assertThat(answer).contains("status: NOERROR").containsPattern("flags: qr aa rd;");
        assertThat(answer).doesNotContain(" ra");
        assertThat(refused).contains("status: REFUSED").doesNotContain("ANSWER SECTION");
        assertThat(norec).contains("status: REFUSED");
        assertThat(nx).contains("status: NXDOMAIN").contains("AUTHORITY SECTION").contains("SOA");
    }

    @Test
    void shouldTruncateABigAnswerOverUdpAndCompleteItOverTcp() throws Exception {
        String udp = String.join("\n", dig("+ignore", "+bufsize=1232", "_big._tcp.caravan.internal", "SRV"));
        List<String> retried = dig("_big._tcp.caravan.internal", "SRV", "+short");
        List<String> tcp = dig("+tcp", "_big._tcp.caravan.internal", "SRV", "+short");

        assertThat(udp).containsPattern("flags: qr aa tc rd;").contains("ANSWER: 0");
        assertThat(retried).as("dig retries over TCP on TC").hasSize(40);
        assertThat(tcp).hasSize(40);
    }

    @Test
    void shouldAnswerBadversToEdnsVersionOne() throws Exception {
        String out = String.join("\n", dig("+edns=1", "+noednsnegotiation", "web.caravan.internal", "A"));

        assertThat(out).contains("status: BADVERS");
    }

    @Test
    void shouldKeepServingAfterMalformedPackets() throws Exception {
        try (DatagramSocket s = new DatagramSocket()) {
            InetSocketAddress to = new InetSocketAddress("127.0.0.1", server.port());
            s.send(new DatagramPacket(new byte[]{1, 2, 3}, 3, to));
            byte[] loop = {0x12, 0x35, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xC0, 12, 0, 1, 0, 1};
            s.send(new DatagramPacket(loop, loop.length, to));
            s.setSoTimeout(5_000);
            DatagramPacket reply = new DatagramPacket(new byte[512], 512);
            s.receive(reply);
            assertThat(reply.getLength()).isEqualTo(12);
            assertThat(reply.getData()[1]).isEqualTo((byte) 0x35);
            assertThat(reply.getData()[3] & 0x0F).as("FORMERR").isEqualTo(1);
        }
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            tcp.getOutputStream().write(new byte[]{0, 3, 1, 2, 3});
            tcp.setSoTimeout(5_000);
            assertThat(tcp.getInputStream().read()).as("a message shorter than a header closes the connection").isEqualTo(-1);
        }
        assertThat(dig("web.caravan.internal", "A", "+short")).hasSize(1);
    }

    @Test
    void shouldAnswerSeveralQueriesOnOneTcpConnection() throws Exception {
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            tcp.setSoTimeout(5_000);
            var out = new java.io.DataOutputStream(tcp.getOutputStream());
            var in = new java.io.DataInputStream(tcp.getInputStream());
            for (String name : List.of("web.caravan.internal.", "web-2.caravan.internal.", "example.com.")) {
                byte[] q = DnsResponderTest.query(name, org.xbill.DNS.Type.A, null);
                out.writeShort(q.length);
                out.write(q);
            }
            List<Integer> rcodes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                byte[] answer = new byte[in.readUnsignedShort()];
                in.readFully(answer);
                rcodes.add(new org.xbill.DNS.Message(answer).getRcode());
            }
            assertThat(rcodes).containsExactly(org.xbill.DNS.Rcode.NOERROR, org.xbill.DNS.Rcode.NOERROR, org.xbill.DNS.Rcode.REFUSED);
        }
    }

    @Test
    void shouldSayWhenThePortIsInUse() {
        DnsServerConfig taken = DnsServerConfig.of("caravan.internal", new InetSocketAddress("127.0.0.1", server.port()), 5,
                Topology.NONE);

        assertThatThrownBy(() -> DnsServer.start(taken, watcher::current, Clock.system()))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("port " + server.port()).hasMessageContaining("in use");
    }

    @Test
    void shouldCloseATcpPeerThatDribblesAQueryWithinTheWholeMessageDeadline() throws Exception {
        DnsServerConfig config = DnsServerConfig.of("caravan.internal", new InetSocketAddress("127.0.0.1", 0), 5, Topology.NONE)
                .withTcpIdleTimeoutMs(400);
        try (DnsServer strict = DnsServer.start(config, watcher::current, Clock.system());
             Socket dribbler = new Socket(InetAddress.getLoopbackAddress(), strict.port())) {
            dribbler.setSoTimeout(10_000);
            byte[] q = DnsResponderTest.query("web.caravan.internal.", org.xbill.DNS.Type.A, null);
            byte[] framed = java.nio.ByteBuffer.allocate(2 + q.length).putShort((short) q.length).put(q).array();
            java.util.concurrent.atomic.AtomicBoolean dribbling = new java.util.concurrent.atomic.AtomicBoolean(true);
            long startNs = System.nanoTime();
            // Load generation, not synchronization: a byte per 100 ms, each read well within the idle timeout.
            Thread feeder = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < framed.length && dribbling.get(); i++) {
                        dribbler.getOutputStream().write(framed[i]);
                        dribbler.getOutputStream().flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server
                }
            });
            try {
                // A per-read timeout would let the query finish (~4 s) and answer it: read() would return its length byte.
                int got;
                try {
                    got = dribbler.getInputStream().read();
                } catch (java.net.SocketException reset) {
                    got = -1;
                }
                assertThat(got).as("closed without an answer").isEqualTo(-1);
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isBetween(350L, 3_000L);
            } finally {
                dribbling.set(false);
                feeder.join(java.time.Duration.ofSeconds(10));
            }
        }
    }
}
