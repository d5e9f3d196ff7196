package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.servers.handoff.HandoffReply;
import dev.caravan.servers.handoff.HandoffSender;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handoffs as a loaded switch makes them (what {@code caravan bench switch} found): many client
 * connections at once, each handed off from a virtual thread through one shared
 * {@link HandoffSender} to a node in this JVM, then used for a few keep-alive requests. Every
 * connection must be adopted (no fallback) and get every reply.
 */
class HandoffUnderLoadTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final String REQUEST = "GET /counter HTTP/1.1\r\nHost: test\r\n\r\n";
    private static final int CONNECTIONS = 128;
    private static final int REQUESTS_PER_CONNECTION = 3;

    @TempDir
    static Path tmp;
    private static LocalNamingService naming;
    private static NodeDaemon node;
    private static Path socket;
    private static ServerSocketChannel switchListener;

    @BeforeAll
    static void startNode() throws Exception {
        naming = new LocalNamingService();
        NodeConfig config = new NodeConfig("n1", "127.0.0.1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve("n1"),
                3000, "", 4096, Map.of());
        node = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        node.startProcess(new ProcessSpec("web-a", "http", "", "", 4 << 20, Map.of()));
        socket = Path.of(naming.lookup("node/n1").orElseThrow().attribute("handoff"));
        switchListener = ServerSocketChannel.open(StandardProtocolFamily.INET).bind(new InetSocketAddress("127.0.0.1", 0), 1024);
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

    @Test
    void shouldAdoptEveryConnectionOfABurstAndAnswerAllItsRequests() throws Exception {
        Socket[] clients = new Socket[CONNECTIONS];
        SocketChannel[] atSwitch = new SocketChannel[CONNECTIONS];
        for (int i = 0; i < CONNECTIONS; i++) {
            clients[i] = new Socket();
            clients[i].connect(switchListener.getLocalAddress(), 5_000);
            clients[i].setSoTimeout((int) BOUND.toMillis());
            atSwitch[i] = switchListener.accept();
        }
        Queue<String> fallbacks = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        byte[] first = REQUEST.getBytes(StandardCharsets.US_ASCII);
        try (HandoffSender sender = new HandoffSender(Duration.ofSeconds(5));
             ExecutorService switchThreads = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService clientThreads = Executors.newFixedThreadPool(16)) {
            List<Future<?>> handoffs = IntStream.range(0, CONNECTIONS).<Future<?>>mapToObj(i -> switchThreads.submit(() -> {
                start.await();
                try {
                    HandoffReply reply = sender.handOff(socket, "", "web-a", 0, atSwitch[i], first);
                    if (!reply.adopted()) {
                        fallbacks.add(i + ": refused " + reply.error() + " " + reply.message());
                    }
                } catch (IOException | RuntimeException e) {
                    fallbacks.add(i + ": " + e.getClass().getName() + ": " + e.getMessage());
                } finally {
                    atSwitch[i].close();
                }
                return null;
            })).toList();
            start.countDown();
            for (Future<?> f : handoffs) {
                f.get(BOUND.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(fallbacks).as("handoffs not adopted").isEmpty();
            List<Future<Integer>> served = IntStream.range(0, CONNECTIONS).mapToObj(i -> clientThreads.submit(() -> {
                InputStream in = clients[i].getInputStream();
                OutputStream out = clients[i].getOutputStream();
                int answers = 0;
                assertThat(response(in)).startsWith("HTTP/1.1 200 OK\r\n");
                answers++;
                for (int r = 1; r < REQUESTS_PER_CONNECTION; r++) {
                    out.write(first);
                    out.flush();
                    assertThat(response(in)).startsWith("HTTP/1.1 200 OK\r\n");
                    answers++;
                }
                return answers;
            })).toList();
            for (Future<Integer> f : served) {
                assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEqualTo(REQUESTS_PER_CONNECTION);
            }
        } finally {
            for (Socket c : clients) {
                c.close();
            }
        }
    }
}
