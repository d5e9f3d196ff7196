package dev.caravan.systemtests;

import dev.caravan.cli.Main;
import dev.caravan.launch.ChildJvm;
import dev.caravan.core.process.ProcessId;
import dev.caravan.naming.NamingEntry;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.FrameWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.FrameServer;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-peer suite: real daemons (naming, a node, a switch; each its own JVM) and a peer
 * that misbehaves on every port while a well-behaved client must still be served:
 * <ul>
 *   <li>slowloris — one connection silent, one dribbling a byte every 200 ms: a binary port
 *       drops both within its HELLO timeout ({@link FrameServer#DEFAULT_HELLO_TIMEOUT}, counted
 *       from accept, so dribbling does not extend it); a RESP or HTTP port may keep them (Redis'
 *       {@code timeout 0}), but they never stop another client being served;</li>
 *   <li>an oversized frame/request and a truncated one: a clear refusal (error frame,
 *       {@code -ERR Protocol error}, an HTTP 4xx) or a close — and others keep being served;</li>
 *   <li>forged epochs on the naming port (register over a live entry at a stale or the same
 *       epoch, unregister at a stale epoch): STALE_EPOCH / ALREADY_EXISTS, the entry unchanged;</li>
 *   <li>a replayed MIG_COMMIT (no migration arriving): refused, the process and its data unchanged;</li>
 *   <li>the migration page-stream port (opened by a MIG_BEGIN this peer sends): a wrong nonce, or the
 *       right one and a batch of 2^31-1 pages, closes the stream unacknowledged; the arrival never
 *       registers.</li>
 * </ul>
 * The switch's DNS dispatcher ({@code caravan dns serve}) is in the list over TCP, and has its own
 * UDP case (garbage, oversized and truncated datagrams, then a good query).
 * The TLS cases ("a certificate from another CA", a plaintext client) run against a TLS cluster in
 * {@link HostileTlsPeerTest}; "a signature valid for another hash" is {@code SignedCodeSystemTest}'s
 * wrong-hash case (real nodes, through the CLI) and {@code SigningFilesTargetTest} (caravan-fuzz).
 */
class HostilePeerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    /** A dropped slowloris must be gone by the HELLO timeout plus this slack (a loaded CI runner). */
    private static final Duration DROP_SLACK = Duration.ofSeconds(5);
    private static CaravanCluster cluster;
    private static ProcessInfo kv;
    /** The HTTP sample, labelled service=hostile, so the switch gives it an HTTP front end. */
    private static ProcessInfo web;
    /** {@code caravan dns serve} (the switch module's DNS dispatcher), UDP and TCP on one port. */
    private static ChildJvm dns;
    private static InetSocketAddress dnsAddress;
    private static final long DNS_TCP_IDLE_MS = 2_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(WAIT).build();

    /** How a port is spoken to; {@code served} proves a well-behaved client got an answer. */
    enum Kind { BINARY, RESP, HTTP, DNS_TCP }

    record Port(String name, Kind kind, Supplier<InetSocketAddress> address, String httpPath) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).withSwitch().start();
        kv = cluster.deployKv("hostile-kv", "n1");
        try (RespConnection c = new RespConnection(CaravanCluster.dataAddress(kv))) {
            assertThat(c.call("SET", "canary", "before")).isEqualTo(Reply.OK);
        }
        web = cluster.control("n1").start(new ProcessSpec("hostile-web", "http", "", "", CaravanCluster.PROCESS_MEMORY_BYTES,
                Map.of("label.service", "hostile")));
        dns = ChildJvm.start("dns", CaravanCluster.FAST_JVM_OPTIONS, Main.class, List.of("dns", "serve",
                "--naming", cluster.namingHostPort(), "--bind", "127.0.0.1", "--port", "0",
                "--tcp-idle-timeout-ms", "" + DNS_TCP_IDLE_MS), cluster.workDir().resolve("logs"));
        dnsAddress = new InetSocketAddress("127.0.0.1", Integer.parseInt(dns.awaitReady("port", 60_000)));
    }

    @AfterAll
    static void stopCluster() {
        if (dns != null) {
            dns.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static List<Port> ports() {
        return List.of(
                new Port("naming", Kind.BINARY, () -> cluster.namingAddress(), null),
                new Port("node control", Kind.BINARY, () -> cluster.controlAddress("n1"), null),
                new Port("process data endpoint (RESP)", Kind.RESP, () -> CaravanCluster.dataAddress(kv), null),
                new Port("switch RESP front end", Kind.RESP, () -> switchFront(kv), null),
                new Port("process HTTP data endpoint", Kind.HTTP, () -> CaravanCluster.dataAddress(web), "/health"),
                new Port("switch HTTP front end", Kind.HTTP, () -> switchFront(web), "/health"),
                new Port("naming admin/metrics HTTP", Kind.HTTP, () -> cluster.local().namingAdmin(), "/metrics"),
                new Port("node admin/metrics HTTP", Kind.HTTP, () -> cluster.local().nodeAdmins().get("n1"), "/metrics"),
                new Port("switch metrics HTTP", Kind.HTTP, () -> cluster.local().switchMetrics(), "/metrics"),
                new Port("switch admin HTTP", Kind.HTTP, () -> cluster.local().switchAdmin(), "/frontends"),
                new Port("switch DNS over TCP", Kind.DNS_TCP, () -> dnsAddress, null));
    }

    /** The switch's front end for {@code process} (RESP: its own; HTTP: its service's), once naming has it. */
    private static InetSocketAddress switchFront(ProcessInfo process) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            var front = cluster.client().naming().lookup("front/" + process.name());
            if (front.isPresent()) {
                return new InetSocketAddress(front.get().host(), front.get().port());
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("the switch gave " + process.name() + " no front end within 20 s");
    }

    /** A well-behaved client on {@code port} is answered (within {@link #WAIT}). */
    private static void assertServed(Port port) throws Exception {
        InetSocketAddress at = port.address().get();
        switch (port.kind()) {
            case BINARY -> {
                try (FrameClient good = FrameClient.connect(at, new Hello("good-client", ""), WAIT)) {
                    assertThat(good.call(Op.PING, new byte[0], WAIT).type()).as(port + " answers PING").isEqualTo(Op.OK);
                }
            }
            case RESP -> {
                try (RespConnection good = new RespConnection(at)) {
                    assertThat(good.call("GET", "canary")).as(port + " answers GET")
                            .isInstanceOfSatisfying(Reply.Bulk.class, b -> assertThat(b.text()).isEqualTo("before"));
                }
            }
            case HTTP -> {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://" + at.getHostString() + ":" + at.getPort() + port.httpPath())).timeout(WAIT).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(port + " answers " + port.httpPath()).isEqualTo(200);
            }
            case DNS_TCP -> {
                try (Socket good = new Socket()) {
                    good.connect(at, (int) WAIT.toMillis());
                    good.setSoTimeout((int) WAIT.toMillis());
                    good.getOutputStream().write(tcpDns(dnsQuery()));
                    java.io.DataInputStream in = new java.io.DataInputStream(good.getInputStream());
                    byte[] answer = new byte[in.readUnsignedShort()];
                    in.readFully(answer);
                    Message m = new Message(answer);
                    assertThat(m.getHeader().getID()).as(port + " answers the query").isEqualTo(0x4242);
                    assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
                }
            }
            default -> throw new IllegalStateException();
        }
    }

    /** A query for the kv process's A record, id 0x4242. */
    private static byte[] dnsQuery() throws IOException {
        return dnsQuery(0x4242);
    }

    private static byte[] dnsQuery(int id) throws IOException {
        Message q = Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(kv.name() + ".caravan.internal."), Type.A,
                DClass.IN));
        q.getHeader().setID(id);
        return q.toWire();
    }

    private static byte[] tcpDns(byte[] message) {
        return ByteBuffer.allocate(2 + message.length).putShort((short) message.length).put(message).array();
    }

    /** The start of a legitimate request, dribbled one byte at a time by a slowloris. */
    private static byte[] prefix(Kind kind) throws IOException {
        return switch (kind) {
            case DNS_TCP -> tcpDns(dnsQuery());
            case BINARY -> FrameWriter.encode(new Hello("slowloris", "").toFrame(1));
            case RESP -> "*2\r\n$3\r\nGET\r\n$6\r\ncanary\r\n".getBytes(StandardCharsets.US_ASCII);
            case HTTP -> "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void shouldNotLetASlowlorisStopOthersAndDropItOnABinaryPort(Port port) throws Exception {
        InetSocketAddress at = port.address().get();
        long startNs = System.nanoTime();
        try (Socket silent = new Socket(); Socket dribbler = new Socket()) {
            silent.connect(at, (int) WAIT.toMillis());
            dribbler.connect(at, (int) WAIT.toMillis());
            AtomicBoolean dribbling = new AtomicBoolean(true);
            byte[] slow = prefix(port.kind());
            // Load generation, not synchronization: one byte every 200 ms, the request never quite finished.
            Thread feeder = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = dribbler.getOutputStream();
                    for (int i = 0; i < slow.length - 1 && dribbling.get(); i++) {
                        out.write(slow[i]);
                        out.flush();
                        Thread.sleep(200);
                    }
                } catch (IOException | InterruptedException e) {
                    // dropped by the server: what a binary port must do
                }
            });
            try {
                assertServed(port);
                assertServed(port);
                if (port.kind() == Kind.BINARY) {
                    long limitMs = FrameServer.DEFAULT_HELLO_TIMEOUT.plus(DROP_SLACK).toMillis();
                    assertThat(closedWithin(silent, limitMs, startNs)).as(port + " drops a silent connection").isTrue();
                    assertThat(closedWithin(dribbler, limitMs, startNs)).as(port + " drops a dribbling connection").isTrue();
                    assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(
                            FrameServer.DEFAULT_HELLO_TIMEOUT.minusMillis(500));
                }
                if (port.kind() == Kind.DNS_TCP) {
                    // The idle timeout drops the silent peer; the whole-message deadline (the same length,
                    // counted from a message's first byte) drops the dribbler, whose query needs ~9 s.
                    long limitMs = DNS_TCP_IDLE_MS + DROP_SLACK.toMillis();
                    assertThat(closedWithin(silent, limitMs, startNs)).as(port + " drops a silent connection").isTrue();
                    assertThat(closedWithin(dribbler, limitMs, startNs)).as(port + " drops a dribbling connection").isTrue();
                }
                assertServed(port);
            } finally {
                dribbling.set(false);
                feeder.join(WAIT.toMillis());
            }
        }
    }

    /** Whether the server closed {@code s} (EOF or reset) before {@code limitMs} after {@code startNs}. */
    private static boolean closedWithin(Socket s, long limitMs, long startNs) throws IOException {
        InputStream in = s.getInputStream();
        while (true) {
            long leftMs = limitMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (leftMs <= 0) {
                return false;
            }
            s.setSoTimeout((int) leftMs);
            try {
                if (in.read(new byte[4096]) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
    }

    private static byte[] frameHeader(int length, int type, long requestId) {
        return ByteBuffer.allocate(15).putInt(length).put((byte) Frame.VERSION).putShort((short) type).putLong(requestId).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] oversized(Kind kind) {
        return switch (kind) {
            // The largest length DNS over TCP can say, with far fewer bytes behind it.
            case DNS_TCP -> concat(new byte[] {(byte) 0xFF, (byte) 0xFF}, new byte[12]);
            case BINARY -> concat(FrameWriter.encode(new Hello("hostile", "").toFrame(1)),
                    frameHeader(Integer.MAX_VALUE, Op.PING, 2));
            case RESP -> "*1\r\n$2000000000\r\nxx".getBytes(StandardCharsets.US_ASCII);
            case HTTP -> ("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(1 << 20) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        };
    }

    private static byte[] truncated(Kind kind) {
        return switch (kind) {
            case DNS_TCP -> concat(new byte[] {0, 40}, new byte[] {0x42, 0x42, 1, 0, 0, 1});
            case BINARY -> concat(FrameWriter.encode(new Hello("hostile", "").toFrame(1)), frameHeader(100, Op.PING, 2),
                    new byte[] {1, 2, 3});
            case RESP -> "*2\r\n$3\r\nGET\r\n$6\r\ncan".getBytes(StandardCharsets.US_ASCII);
            case HTTP -> "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Le".getBytes(StandardCharsets.US_ASCII);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void shouldRefuseAnOversizedRequestAndKeepServingOthers(Port port) throws Exception {
        String answer = sendAndReadUntilClose(port.address().get(), oversized(port.kind()), true);

        switch (port.kind()) {
            case BINARY -> assertThat(answer).as(port + ": an error frame naming TOO_LARGE, then a close")
                    .contains("exceeds");
            case RESP -> assertThat(answer).as(port.name()).startsWith("-ERR Protocol error");
            case HTTP -> assertThat(answer).as(port + ": a 4xx or a plain close").matches("(?s)(HTTP/1\\.1 4\\d\\d.*)?");
            case DNS_TCP -> assertThat(answer).as(port + ": closed without an answer").isEmpty();
            default -> throw new IllegalStateException();
        }
        assertServed(port);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ports")
    void shouldCloseATruncatedRequestAndKeepServingOthers(Port port) throws Exception {
        String answer = sendAndReadUntilClose(port.address().get(), truncated(port.kind()), true);

        assertThat(answer).as(port + ": no answer to half a request").doesNotContain("PONG", "before", "HTTP/1.1 200");
        assertServed(port);
    }

    /**
     * Sends {@code input} (half-closing after it when asked) and returns what came back, as
     * ISO-8859-1, until the server closed. Fails when the server neither answered nor closed.
     */
    private static String sendAndReadUntilClose(InetSocketAddress at, byte[] input, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(at, (int) WAIT.toMillis());
            s.setSoTimeout((int) WAIT.toMillis());
            try {
                s.getOutputStream().write(input);
                s.getOutputStream().flush();
                if (halfClose) {
                    s.shutdownOutput();
                }
            } catch (IOException closedEarly) {
                // The server may refuse before it has read everything; what it sent is still readable.
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n = s.getInputStream().read(buf); n >= 0; n = s.getInputStream().read(buf)) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("neither an answer nor a close within " + WAIT + "; got "
                        + got.toString(StandardCharsets.ISO_8859_1));
            } catch (IOException reset) {
                // closed with a reset: what arrived before it counts
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void shouldDropGarbageAndOversizedDatagramsAndAnswerOthersOverUdp() throws Exception {
        try (java.net.DatagramSocket udp = new java.net.DatagramSocket()) {
            udp.setSoTimeout((int) WAIT.toMillis());
            byte[] garbage = "not a dns message at all".getBytes(StandardCharsets.US_ASCII);
            // Past the server's 4096-byte read: cut there, and garbage either way.
            byte[] oversized = new byte[60_000];
            java.util.Arrays.fill(oversized, (byte) 'A');
            byte[] truncated = java.util.Arrays.copyOf(dnsQuery(0x0202), 20);
            for (byte[] bad : List.of(garbage, oversized, truncated)) {
                udp.send(new java.net.DatagramPacket(bad, bad.length, dnsAddress));
            }
            byte[] good = dnsQuery();
            udp.send(new java.net.DatagramPacket(good, good.length, dnsAddress));
            // Answers come in order: a refusal for each bad datagram the server answers at all, then the good one.
            List<Message> answers = new ArrayList<>();
            while (answers.isEmpty() || answers.getLast().getHeader().getID() != 0x4242) {
                java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[2048], 2048);
                udp.receive(p);
                answers.add(new Message(java.util.Arrays.copyOf(p.getData(), p.getLength())));
            }
            assertThat(answers.getLast().getRcode()).as("the well-behaved query").isEqualTo(Rcode.NOERROR);
            assertThat(answers.subList(0, answers.size() - 1)).allSatisfy(m ->
                    assertThat(m.getRcode()).as("a refusal, never an answer").isNotEqualTo(Rcode.NOERROR));
        }
        assertThat(dns.isAlive()).isTrue();
    }

    private static ErrorCode errorOf(Frame reply) {
        assertThat(reply.type()).as("an ERROR frame").isEqualTo(Op.ERROR);
        return ErrorCode.of(reply.reader().u16());
    }

    @Test
    void shouldRefuseForgedEpochsOnTheNamingPortAndKeepTheEntry() throws Exception {
        String name = "process/" + kv.name();
        NamingEntry real = cluster.client().naming().lookup(name).orElseThrow();
        try (FrameClient hostile = FrameClient.connect(cluster.namingAddress(), new Hello("hostile", ""), WAIT)) {
            Frame lease = hostile.call(Op.NAMING_OPEN_LEASE, new BodyWriter().string("hostile").i64(30_000).toBytes(), WAIT);
            assertThat(lease.type()).isEqualTo(Op.OK);
            long leaseId = lease.reader().i64();
            NamingEntry stale = new NamingEntry(name, "evil", "127.0.0.66", 6666, real.epoch() - 1, Map.of());
            NamingEntry same = new NamingEntry(name, "evil", "127.0.0.66", 6666, real.epoch(), Map.of());

            assertThat(errorOf(hostile.call(Op.NAMING_REGISTER, register(leaseId, stale), WAIT)))
                    .as("register at a stale epoch").isEqualTo(ErrorCode.STALE_EPOCH);
            assertThat(errorOf(hostile.call(Op.NAMING_REGISTER, register(leaseId, same), WAIT)))
                    .as("register at the live entry's epoch under another lease").isEqualTo(ErrorCode.ALREADY_EXISTS);
            assertThat(errorOf(hostile.call(Op.NAMING_UNREGISTER,
                    new BodyWriter().i64(leaseId).string(name).i64(real.epoch() - 1).toBytes(), WAIT)))
                    .as("unregister at a stale epoch").isEqualTo(ErrorCode.STALE_EPOCH);
            assertServed(ports().getFirst());
        }
        NamingEntry after = cluster.client().naming().lookup(name).orElseThrow();
        assertThat(after.host()).isEqualTo(real.host());
        assertThat(after.port()).isEqualTo(real.port());
        assertThat(after.epoch()).isEqualTo(real.epoch());
    }

    private static byte[] register(long leaseId, NamingEntry e) {
        BodyWriter w = new BodyWriter().i64(leaseId);
        e.writeTo(w);
        return w.toBytes();
    }

    @Test
    void shouldRefuseAReplayedMigrationCommitAndLeaveTheProcessAlone() throws Exception {
        NamingEntry before = cluster.client().naming().lookup("process/" + kv.name()).orElseThrow();
        byte[] commit = new MigrationMessages.Commit(kv.name(), 1, new byte[] {0, 0, 0, 0}, new long[0],
                "127.0.0.1:1", List.of()).encode();
        List<ErrorCode> refusals = new ArrayList<>();
        try (FrameClient hostile = FrameClient.connect(cluster.controlAddress("n1"), new Hello("hostile", ""), WAIT)) {
            refusals.add(errorOf(hostile.call(Op.MIG_COMMIT, commit, WAIT)));
            refusals.add(errorOf(hostile.call(Op.MIG_COMMIT, commit, WAIT)));
            assertServed(ports().get(1));
        }
        assertThat(refusals).as("a commit with no migration arriving, sent twice").containsOnly(ErrorCode.NOT_FOUND);
        try (RespConnection c = new RespConnection(CaravanCluster.dataAddress(kv))) {
            assertThat(c.call("GET", "canary")).isInstanceOfSatisfying(Reply.Bulk.class,
                    b -> assertThat(b.text()).isEqualTo("before"));
        }
        NamingEntry after = cluster.client().naming().lookup("process/" + kv.name()).orElseThrow();
        assertThat(after.epoch()).as("the process's epoch is unchanged").isEqualTo(before.epoch());
        assertThat(after.port()).isEqualTo(before.port());
    }

    /**
     * A MIG_BEGIN as a source would send it: the destination admits an arriving process and opens
     * its page-stream port; the reply names the port and the nonce the stream must start with.
     */
    static MigrationMessages.BeginReply beginArrival(FrameClient control, String name, Duration wait) {
        ProcessSpec spec = new ProcessSpec(name, "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES, Map.of());
        byte[] begin = new MigrationMessages.Begin(spec, ProcessId.random().toString(), 1, "", "n9", "",
                MigrationMessages.Allocation.ON_ARRIVAL, new long[0]).encode();
        Frame reply = control.call(Op.MIG_BEGIN, begin, wait);
        assertThat(reply.type()).as("MIG_BEGIN admitted").isEqualTo(Op.OK);
        return MigrationMessages.BeginReply.decode(reply.reader());
    }

    @Test
    void shouldCloseAPageStreamWithAWrongNonceOrAHugeBatchAndKeepServing() throws Exception {
        InetSocketAddress control = cluster.controlAddress("n1");
        try (FrameClient hostile = FrameClient.connect(control, new Hello("hostile", ""), WAIT)) {
            MigrationMessages.BeginReply first = beginArrival(hostile, "hostile-arrival-1", WAIT);
            String wrongNonce = sendAndReadUntilClose(new InetSocketAddress(control.getAddress(), first.streamPort()),
                    ByteBuffer.allocate(12).putLong(first.nonce() ^ 1).putInt(-1).array(), false);
            assertThat(wrongNonce).as("a wrong nonce: closed, no ack for the round").isEmpty();

            MigrationMessages.BeginReply second = beginArrival(hostile, "hostile-arrival-2", WAIT);
            String hugeBatch = sendAndReadUntilClose(new InetSocketAddress(control.getAddress(), second.streamPort()),
                    ByteBuffer.allocate(12).putLong(second.nonce()).putInt(Integer.MAX_VALUE).array(), false);
            assertThat(hugeBatch).as("a batch of 2^31-1 pages: closed before allocating").isEmpty();
            assertServed(ports().get(1));
        }
        for (String name : List.of("hostile-arrival-1", "hostile-arrival-2")) {
            assertThat(cluster.client().naming().lookup("process/" + name)).as(name + " never arrived").isEmpty();
        }
        assertServed(ports().get(2));
    }

}
