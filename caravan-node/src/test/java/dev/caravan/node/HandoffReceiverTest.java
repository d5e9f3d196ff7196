package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.servers.handoff.HandoffCodec;
import dev.caravan.servers.handoff.HandoffReply;
import dev.caravan.servers.handoff.HandoffSender;
import dev.caravan.servers.handoff.SocketDescriptors;
import dev.caravan.servers.binary.RequestDelay;
import dev.caravan.servers.http.HttpProtocol;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The node's handoff socket, driven like a switch drives it (a {@link HandoffSender}, or raw
 * bytes for what a sender never writes) with real TCP clients, against a node in this JVM that
 * runs the HTTP sample: every refusal leaves the client with the switch (the node keeps no copy
 * of the descriptor: the client sees end of stream once the switch closes its own), and the node
 * keeps serving handoffs and direct clients throughout.
 */
class HandoffReceiverTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String TOKEN = "cluster-secret";
    private static final String FIRST = "GET /counter HTTP/1.1\r\nHost: test\r\n\r\n";

    @TempDir
    static Path tmp;
    private static LocalNamingService naming;
    private static NodeDaemon node;
    private static ProcessInfo web;
    private static Path socket;
    /** Where "the switch" accepts its clients. */
    private static ServerSocketChannel switchListener;

    @BeforeAll
    static void startNode() throws Exception {
        naming = new LocalNamingService();
        NodeConfig config = new NodeConfig("n1", "127.0.0.1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve("n1"),
                3000, TOKEN, 4096, Map.of());
        node = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        web = node.startProcess(new ProcessSpec("web-a", "http", "", "", 4 << 20, Map.of()));
        socket = Path.of(naming.lookup("node/n1").orElseThrow().attribute("handoff"));
        switchListener = ServerSocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0));
    }

    @AfterAll
    static void stopNode() throws IOException {
        if (switchListener != null) {
            switchListener.close();
        }
        if (node != null) {
            node.close();
        }
        naming.close();
    }

    /** A client connected to "the switch", and the switch's end of it (what it hands off). */
    private record Client(Socket socket, SocketChannel atSwitch) implements AutoCloseable {
        /** Synchronized: concurrent callers each accept their own connection. */
        static synchronized Client connect() throws IOException {
            Socket s = new Socket();
            s.connect(switchListener.getLocalAddress(), 5_000);
            s.setSoTimeout((int) BOUND.toMillis());
            return new Client(s, switchListener.accept());
        }

        /** The switch lets go of its copy: now only a node that adopted the connection holds it. */
        void switchCloses() throws IOException {
            atSwitch.close();
        }

        /** Whether the client sees the connection end (no one else holds it) rather than an answer. */
        boolean ended() throws IOException {
            try {
                return socket.getInputStream().read() < 0;
            } catch (SocketException reset) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            atSwitch.close();
            socket.close();
        }
    }

    private static HandoffReply handOff(HandoffSender sender, Client c, String token, String process, long epoch)
            throws IOException {
        return sender.handOff(socket, token, process, epoch, c.atSwitch(), FIRST.getBytes(StandardCharsets.US_ASCII));
    }

    /** Reads one HTTP response (head and Content-Length body). */
    private static String response(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            String h = head.toString(StandardCharsets.ISO_8859_1);
            if (h.endsWith("\r\n\r\n")) {
                int at = h.indexOf("Content-Length: ");
                int len = Integer.parseInt(h.substring(at + 16, h.indexOf('\r', at)));
                return h + new String(in.readNBytes(len), StandardCharsets.UTF_8);
            }
        }
        throw new IOException("connection closed after " + head.size() + " bytes");
    }

    /** A handoff that works: the node adopts, the switch closes its copy, the process answers the client. */
    private static void assertHandsOffAndServes(HandoffSender sender) throws IOException {
        try (Client c = Client.connect()) {
            assertThat(handOff(sender, c, TOKEN, "web-a", 0).adopted()).isTrue();
            c.switchCloses();
            String answer = response(c.socket().getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200 OK\r\n").contains("X-Caravan-Process: web-a\r\n").endsWith("\r\n\r\n1\n");
        }
    }

    private static void assertServesDirectly() throws IOException {
        try (Socket s = new Socket(web.dataHost(), web.dataPort())) {
            s.setSoTimeout((int) BOUND.toMillis());
            s.getOutputStream().write(FIRST.getBytes(StandardCharsets.US_ASCII));
            assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n");
        }
    }

    /** Asserts the refusal, that the client stayed with the switch only, and that the node still serves. */
    private static void assertRefused(HandoffSender sender, String token, String process, long epoch, ErrorCode expected)
            throws IOException {
        try (Client c = Client.connect()) {
            HandoffReply reply = handOff(sender, c, token, process, epoch);
            assertThat(reply.adopted()).isFalse();
            assertThat(reply.error()).as(reply.message()).isEqualTo(expected);
            // Still the switch's to serve: what it writes reaches the client...
            c.atSwitch().write(java.nio.ByteBuffer.wrap("spliced\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(new String(c.socket().getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("spliced\n");
            // ...and the node kept no copy of the descriptor: closing the switch's ends the connection.
            c.switchCloses();
            assertThat(c.ended()).as("the node closed the descriptor it refused").isTrue();
        }
        assertHandsOffAndServes(sender);
        assertServesDirectly();
    }

    @Test
    void nodeAdvertisesItsHostIdentitySoSwitchesHandOffOnlyOnItsHost() {
        assertThat(naming.lookup("node/n1").orElseThrow().attribute(dev.caravan.servers.handoff.HostIdentity.ATTRIBUTE))
                .isEqualTo(dev.caravan.servers.handoff.HostIdentity.local()).isNotEmpty();
    }

    @Test
    void shouldRefuseAWrongClusterTokenAndKeepServing() throws IOException {
        try (HandoffSender sender = new HandoffSender(BOUND)) {
            assertRefused(sender, "not-the-token", "web-a", 0, ErrorCode.UNAUTHENTICATED);
            assertRefused(sender, "", "web-a", 0, ErrorCode.UNAUTHENTICATED);
        }
    }

    @Test
    void shouldRefuseAStaleEpochAndKeepServing() throws IOException {
        try (HandoffSender sender = new HandoffSender(BOUND)) {
            assertRefused(sender, TOKEN, "web-a", web.epoch() + 1, ErrorCode.STALE_EPOCH);
            assertHandsOffAndServes(sender);
            try (Client c = Client.connect()) {
                assertThat(handOff(sender, c, TOKEN, "web-a", web.epoch()).adopted()).as("the epoch running now").isTrue();
            }
        }
    }

    @Test
    void shouldRefuseAnUnknownProcessAndKeepServing() throws IOException {
        try (HandoffSender sender = new HandoffSender(BOUND)) {
            assertRefused(sender, TOKEN, "no-such-process", 0, ErrorCode.NOT_FOUND);
        }
    }

    @Test
    void shouldRefuseAnOversizedPrefixBeforeReadingItAndEndThatConnection() throws IOException {
        try (Client c = Client.connect();
             AFUNIXSocket raw = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket.toFile()))) {
            raw.setSoTimeout((int) BOUND.toMillis());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(HandoffCodec.MAGIC);
            out.writeByte(HandoffCodec.VERSION);
            byte[] token = TOKEN.getBytes(StandardCharsets.UTF_8);
            out.writeShort(token.length);
            out.write(token);
            out.writeShort(5);
            out.write("web-a".getBytes(StandardCharsets.UTF_8));
            out.writeLong(0);
            out.writeByte(4);
            out.writeByte(4);
            out.write(new byte[] {127, 0, 0, 1});
            out.writeShort(c.socket().getLocalPort());
            out.writeInt(HandoffCodec.MAX_PREFIX_BYTES + 1); // announced, never sent: refused on the length alone
            raw.setOutboundFileDescriptors(SocketDescriptors.find(c.atSwitch()).fd());
            raw.getOutputStream().write(bytes.toByteArray());
            raw.getOutputStream().flush();

            HandoffReply reply = HandoffCodec.readReply(raw.getInputStream());
            assertThat(reply.error()).as(reply.message()).isEqualTo(ErrorCode.TOO_LARGE);
            assertThat(reply.message()).contains(String.valueOf(HandoffCodec.MAX_PREFIX_BYTES + 1));
            int next;
            try {
                next = raw.getInputStream().read();
            } catch (SocketException reset) {
                next = -1;
            }
            assertThat(next).as("the stream is out of step: the node ends the connection").isEqualTo(-1);
            c.switchCloses();
            assertThat(c.ended()).as("the node closed the descriptor that came with the refused request").isTrue();
        }
        try (HandoffSender sender = new HandoffSender(BOUND)) {
            assertHandsOffAndServes(sender);
        }
        assertServesDirectly();
    }

    @Test
    void shouldCloseAPeerThatSendsNothingAfterTheIdleTimeout() throws IOException {
        int idleMs = 300;
        try (HandoffReceiver receiver = HandoffReceiver.start(tmp.resolve("idle.sock"), "", name -> null, idleMs);
             AFUNIXSocket silent = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(receiver.path().toFile()))) {
            silent.setSoTimeout((int) BOUND.toMillis());
            long startNs = System.nanoTime();
            int read;
            try {
                read = silent.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertThat(read).as("closed without an answer").isEqualTo(-1);
            assertThat(waitedMs).as("after the idle timeout, well before the test's bound").isBetween((long) idleMs - 50, 10_000L);
        }
    }

    @Test
    void shouldKeepServingWhileASilentPeerHoldsAConnection() throws IOException {
        try (AFUNIXSocket silent = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(socket.toFile()));
             HandoffSender sender = new HandoffSender(BOUND)) {
            assertHandsOffAndServes(sender);
            assertServesDirectly();
            assertThat(silent.isConnected()).isTrue();
        }
    }

    private static long openDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    @Test
    void shouldServeManyConcurrentHandoffsWithoutLeakingDescriptors() throws Exception {
        int threads = 8;
        int perThread = 25;
        try (HandoffSender warmUp = new HandoffSender(BOUND)) {
            assertHandsOffAndServes(warmUp);
        }
        long before = openDescriptors();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger servedDirectly = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            Future<?> direct = pool.submit(() -> {
                while (running.get()) {
                    assertServesDirectly();
                    servedDirectly.incrementAndGet();
                }
                return null;
            });
            List<Future<Integer>> handers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                handers.add(pool.submit(() -> {
                    int served = 0;
                    try (HandoffSender sender = new HandoffSender(BOUND)) {
                        for (int i = 0; i < perThread; i++) {
                            assertHandsOffAndServes(sender);
                            served++;
                        }
                    }
                    return served;
                }));
            }
            int served = 0;
            for (Future<Integer> f : handers) {
                served += f.get(120, TimeUnit.SECONDS);
            }
            running.set(false);
            direct.get(30, TimeUnit.SECONDS);
            assertThat(served).isEqualTo(threads * perThread);
            assertThat(servedDirectly.get()).as("direct clients were served meanwhile").isPositive();
        } finally {
            // Not shutdownNow: an interrupt in accept would close the shared listener.
            running.set(false);
            pool.shutdown();
            assertThat(pool.awaitTermination(BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        // Every client closed its end: the process's copies close as it sees end of stream, the receiver's at once.
        await().atMost(BOUND).untilAsserted(() -> assertThat(openDescriptors()).isLessThanOrEqualTo(before));
        try (HandoffSender sender = new HandoffSender(BOUND)) {
            assertHandsOffAndServes(sender);
        }
    }

    /**
     * A process at its connection limit refuses the connection: the node answers "refused"
     * (UNAVAILABLE), keeps no copy, and the client stays the switch's to serve.
     */
    @Test
    void shouldRefuseAHandoffToAProcessAtItsConnectionLimit() throws Exception {
        ServerOptions options = ServerOptions.defaults().adoptOnly().withName("limited").withMaxConnections(1);
        try (Server limited = ServerModel.VIRTUAL_THREADS.start(HttpProtocol.plaintext(RequestDelay.NONE), options);
             HandoffReceiver receiver = HandoffReceiver.start(tmp.resolve("limit.sock"), "", name -> new HandoffReceiver.Target() {
                 @Override
                 public long epoch() {
                     return 1;
                 }

                 @Override
                 public void adopt(SocketChannel connection, java.nio.ByteBuffer alreadyRead) {
                     limited.adopt(connection, alreadyRead);
                 }
             });
             HandoffSender sender = new HandoffSender(BOUND);
             Client held = Client.connect();
             Client over = Client.connect()) {
            byte[] first = "GET /plaintext HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            assertThat(sender.handOff(receiver.path(), "", "limited", 0, held.atSwitch(), first).adopted()).isTrue();
            held.switchCloses();
            assertThat(response(held.socket().getInputStream())).startsWith("HTTP/1.1 200 OK\r\n");

            HandoffReply reply = sender.handOff(receiver.path(), "", "limited", 0, over.atSwitch(), first);
            assertThat(reply.error()).as(reply.message()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(reply.message()).contains("connection limit");
            over.atSwitch().write(java.nio.ByteBuffer.wrap("spliced\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(new String(over.socket().getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("spliced\n");
            over.switchCloses();
            assertThat(over.ended()).as("the node closed the copy it refused").isTrue();
        }
    }

    /**
     * Over its connection limit the node answers BUSY, not silence (silence would leave the switch
     * unsure whether the node adopted the client); the client stays the switch's.
     */
    @Test
    void shouldAnswerBusyOverTheSwitchConnectionLimit() throws Exception {
        List<AFUNIXSocket> held = new ArrayList<>();
        try (HandoffReceiver receiver = HandoffReceiver.start(tmp.resolve("busy.sock"), TOKEN, name -> null);
             HandoffSender sender = new HandoffSender(BOUND);
             Client c = Client.connect()) {
            for (int i = 0; i < HandoffReceiver.MAX_CONNECTIONS; i++) {
                held.add(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(receiver.path().toFile())));
            }
            // Accepted in order: the sender's connection is the first one over the limit.
            HandoffReply reply = sender.handOff(receiver.path(), TOKEN, "web-a", 0, c.atSwitch(),
                    FIRST.getBytes(StandardCharsets.US_ASCII));
            assertThat(reply.error()).as(reply.message()).isEqualTo(ErrorCode.BUSY);
            c.atSwitch().write(java.nio.ByteBuffer.wrap("spliced\n".getBytes(StandardCharsets.US_ASCII)));
            assertThat(new String(c.socket().getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("spliced\n");
            c.switchCloses();
            assertThat(c.ended()).as("the node dropped the descriptor with the unread request").isTrue();
        } finally {
            for (AFUNIXSocket s : held) {
                s.close();
            }
        }
    }
}
