package dev.caravan.switching.handoff;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.servers.handoff.HandoffCodec;
import dev.caravan.servers.handoff.HandoffReply;
import dev.caravan.servers.handoff.HostIdentity;
import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.SwitchContext;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.transport.FixedListDispatcher;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who serves a client after a handoff that did not end in "adopted": a node that refused leaves
 * the client to the switch, which splices it; a node that never answered may own it, so the
 * switch lets it go and never splices it (two owners would both answer the client). The node is
 * a fake Unix socket here; the backend a plain TCP server that counts what reaches it.
 */
class HandoffFrontendTest {
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final int BOUND_MS = 20_000;

    @TempDir
    Path tmp;
    private LocalNamingService naming;
    private ServerSocketChannel fakeNode;
    private ServerSocketChannel backend;
    private final AtomicInteger backendConnections = new AtomicInteger();
    private final List<SocketChannel> held = new CopyOnWriteArrayList<>();
    private long lease;

    @BeforeEach
    void start() throws IOException {
        Path socket = tmp.resolve("handoff.sock");
        fakeNode = ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket));
        backend = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon(true).start(this::serveBackend);
        naming = new LocalNamingService();
        lease = naming.openLease("n1", 60_000).id();
        naming.register(lease, new NamingEntry("node/n1", "n1", "127.0.0.1", 1, 0, Map.of("handoff", socket.toString())));
        naming.register(lease, new NamingEntry("process/b0", "n1", "127.0.0.1", backendPort(), 1, Map.of()));
    }

    @AfterEach
    void stop() throws IOException {
        fakeNode.close();
        backend.close();
        for (SocketChannel c : held) {
            c.close();
        }
        naming.close();
    }

    private int backendPort() throws IOException {
        return ((InetSocketAddress) backend.getLocalAddress()).getPort();
    }

    /** Answers every HTTP request head it reads with a fixed response (what a splice would reach). */
    private void serveBackend() {
        while (backend.isOpen()) {
            try {
                SocketChannel c = backend.accept();
                backendConnections.incrementAndGet();
                held.add(c);
                InputStream in = Channels.newInputStream(c);
                byte[] head = in.readNBytes(REQUEST.length());
                if (new String(head, StandardCharsets.US_ASCII).equals(REQUEST)) {
                    Channels.newOutputStream(c).write("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nspliced"
                            .getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** The fake node reads one handoff request and answers {@code reply}, or nothing when it is null. */
    private void fakeNodeAnswers(HandoffReply reply) {
        Thread.ofPlatform().daemon(true).start(() -> {
            try {
                SocketChannel c = fakeNode.accept();
                held.add(c);
                HandoffCodec.decode(Channels.newInputStream(c));
                if (reply != null) {
                    HandoffCodec.writeReply(Channels.newOutputStream(c), reply);
                }
            } catch (IOException e) {
                // The test ended.
            }
        });
    }

    private HandoffFrontend frontend(Duration handoffTimeout) throws IOException {
        return frontend(handoffTimeout, "");
    }

    /** A handoff front end of a switch whose host identity is {@code switchHostId}. */
    private HandoffFrontend frontend(Duration handoffTimeout, String switchHostId) throws IOException {
        Route route = new Route(Route.RouteMatch.ANY, BackendSelector.parse("name:b0"), PolicyKind.ROUND_ROBIN, null);
        FrontendSpec spec = new FrontendSpec("h", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FrontendProtocol.HTTP, DispatchMode.HANDOFF, List.of(route), null);
        Dispatcher dispatcher = new FixedListDispatcher(List.of(
                new Backend("b0", new InetSocketAddress(InetAddress.getLoopbackAddress(), backendPort()), "n1", null)));
        NamingService names = naming;
        return new HandoffFrontend(spec, new SwitchContext() {
            @Override
            public Dispatcher dispatcher(FrontendSpec frontend, Route r) {
                return dispatcher;
            }

            @Override
            public NamingService naming() {
                return names;
            }

            @Override
            public Clock clock() {
                return Clock.system();
            }

            @Override
            public String linkToken() {
                return "";
            }

            @Override
            public String switchId() {
                return "s-test";
            }
        }, handoffTimeout, switchHostId);
    }

    private static Socket request(HandoffFrontend f) throws IOException {
        Socket s = new Socket(f.address().getAddress(), f.address().getPort());
        s.setSoTimeout(BOUND_MS);
        s.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    /** What the client reads until the connection ends. */
    private static String readToEnd(Socket s) throws IOException {
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (SocketException reset) {
            return "";
        }
    }

    @Test
    void shouldLetTheClientGoWithoutSplicingWhenTheNodeDoesNotAnswer() throws IOException {
        fakeNodeAnswers(null);
        try (HandoffFrontend f = frontend(Duration.ofMillis(300));
             Socket client = request(f)) {
            // The fake node holds nothing (the JDK drops a passed descriptor it was not asked to take):
            // once the switch lets go, the client sees the end — and never an answer from a splice.
            assertThat(readToEnd(client)).isEmpty();
            assertThat(f.unanswered()).isEqualTo(1);
            assertThat(f.fallenBack()).isZero();
            assertThat(f.handedOff()).isZero();
            assertThat(backendConnections.get()).as("no splice to the backend").isZero();
        }
    }

    @Test
    void shouldSpliceAClientTheNodeRefused() throws IOException {
        fakeNodeAnswers(HandoffReply.refused(ErrorCode.UNAVAILABLE, "b0 is at its connection limit; connection not adopted"));
        try (HandoffFrontend f = frontend(Duration.ofSeconds(20));
             Socket client = request(f)) {
            byte[] answer = client.getInputStream().readNBytes(45);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).endsWith("spliced");
            assertThat(f.fallenBack()).isEqualTo(1);
            assertThat(f.refusedByNodes()).isEqualTo(1);
            assertThat(f.unanswered()).isZero();
            assertThat(backendConnections.get()).isEqualTo(1);
        }
    }

    /** Registers node n1 again with a host identity (as a node does), keeping its handoff socket. */
    private void nodeOnHost(String hostId) {
        naming.register(lease, new NamingEntry("node/n1", "n1", "127.0.0.1", 1, 0, Map.of("handoff",
                tmp.resolve("handoff.sock").toString(), HostIdentity.ATTRIBUTE, hostId)));
    }

    @Test
    void shouldSpliceWithoutAskingANodeOnAnotherHostAndSaySo() throws IOException {
        // Same machine, same 127.0.0.1, the socket path reachable: only the host identity tells them apart.
        nodeOnHost("bbbbbbbbbbbbbbbb");
        try (HandoffFrontend f = frontend(Duration.ofSeconds(20), "aaaaaaaaaaaaaaaa");
             Socket client = request(f)) {
            assertThat(f.backendMode("b0", "n1")).isEqualTo("splice (other host)");
            byte[] answer = client.getInputStream().readNBytes(45);
            assertThat(new String(answer, StandardCharsets.US_ASCII)).endsWith("spliced");
            assertThat(f.fallenBack()).isEqualTo(1);
            assertThat(f.handedOff()).isZero();
            assertThat(f.refusedByNodes()).isZero();
            assertThat(backendConnections.get()).isEqualTo(1);
            assertThat(f.backendMode("b0", "n1")).isEqualTo("splice (other host)");
        }
    }

    @Test
    void shouldHandOffToANodeOnTheSameHost() throws IOException {
        nodeOnHost("aaaaaaaaaaaaaaaa");
        fakeNodeAnswers(HandoffReply.ADOPTED);
        try (HandoffFrontend f = frontend(Duration.ofSeconds(20), "aaaaaaaaaaaaaaaa");
             Socket client = request(f)) {
            assertThat(f.backendMode("b0", "n1")).isEqualTo("handoff");
            org.awaitility.Awaitility.await().atMost(Duration.ofMillis(BOUND_MS)).until(() -> f.handedOff() == 1);
            assertThat(f.fallenBack()).isZero();
            // The fake node did not keep the passed descriptor: once the switch let go of its copy, the client sees the end.
            assertThat(readToEnd(client)).isEmpty();
            assertThat(backendConnections.get()).as("no splice").isZero();
        }
    }
}
