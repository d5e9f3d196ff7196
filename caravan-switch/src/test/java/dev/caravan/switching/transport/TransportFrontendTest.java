package dev.caravan.switching.transport;

import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.PolicyKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TransportFrontendTest {
    private static final int TEN_MIB = 10 << 20;
    private static SwitchEventLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = new SwitchEventLoops(2, true);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    private static TransportFrontend frontend(FixedListDispatcher dispatcher, RelayMode mode) {
        Route route = new Route(Route.RouteMatch.ANY, BackendSelector.parse("prefix:b"), PolicyKind.ROUND_ROBIN, null);
        FrontendSpec spec = new FrontendSpec("t", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FrontendProtocol.TCP, DispatchMode.TRANSPORT, List.of(route), null);
        return new TransportFrontend(spec, new TestSwitchContext(Map.of(route, dispatcher)), loops, mode);
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] sha256(byte[] b) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    private static Socket connect(TransportFrontend f) throws IOException {
        Socket s = new Socket(f.address().getAddress(), f.address().getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    @Test
    void shouldRelayTenMebibytesEachWayAndCarryTheClientsHalfClose() throws Exception {
        RelayMode mode = RelayMode.COPY;
        byte[] up = randomBytes(TEN_MIB, 1);
        byte[] down = randomBytes(TEN_MIB, 2);
        CompletableFuture<byte[]> received = new CompletableFuture<>();
        // The backend answers only after the client's FIN: proves half-close is carried through.
        try (RawBackend backend = new RawBackend(s -> {
            received.complete(s.getInputStream().readAllBytes());
            s.getOutputStream().write(down);
        }); TransportFrontend f = frontend(FixedListDispatcher.of(backend.address()), mode); Socket c = connect(f)) {
            c.getOutputStream().write(up);
            c.shutdownOutput();
            byte[] back = c.getInputStream().readAllBytes();
            assertThat(sha256(received.get(20, TimeUnit.SECONDS))).isEqualTo(sha256(up));
            assertThat(back.length).isEqualTo(down.length);
            assertThat(sha256(back)).isEqualTo(sha256(down));
        }
    }

    /**
     * The client half-closes first, then reads slowly through a small receive buffer while the
     * backend writes 10 MiB and closes at once: the switch's socket to the client fills up after
     * that side's input has ended. On Netty 4.2.13 epoll this lost MiBs (clean EOF early).
     */
    @Test
    void shouldDeliverEverythingTheBackendWroteBeforeClosingToASlowClientThatHalfClosed() throws Exception {
        byte[] down = randomBytes(TEN_MIB, 5);
        try (RawBackend backend = new RawBackend(s -> {
            s.getInputStream().readAllBytes();
            s.getOutputStream().write(down);
        }); TransportFrontend f = frontend(FixedListDispatcher.of(backend.address()), RelayMode.COPY);
             Socket c = new Socket()) {
            c.setReceiveBufferSize(4096);
            c.connect(f.address());
            c.setSoTimeout(20_000);
            c.getOutputStream().write(randomBytes(1 << 20, 6));
            c.shutdownOutput();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            InputStream in = c.getInputStream();
            byte[] chunk = new byte[1024];
            long total = 0;
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                digest.update(chunk, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(down.length);
            assertThat(digest.digest()).isEqualTo(sha256(down));
        }
    }

    @Test
    void shouldRelayBothWaysAtOnceUnderBackpressureAndCarryTheFin() throws Exception {
        RelayMode mode = RelayMode.COPY;
        byte[] up = randomBytes(TEN_MIB, 3);
        try (RawBackend echo = new RawBackend(s -> s.getInputStream().transferTo(s.getOutputStream()));
             TransportFrontend f = frontend(FixedListDispatcher.of(echo.address()), mode); Socket c = connect(f)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    c.getOutputStream().write(up);
                    c.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] back = c.getInputStream().readAllBytes();
            writer.get(20, TimeUnit.SECONDS);
            assertThat(sha256(back)).isEqualTo(sha256(up));
        }
    }

    @ParameterizedTest
    @EnumSource(RelayMode.class)
    void shouldRelayTenMebibytesEachWayWhileBothSidesStayOpen(RelayMode mode) throws Exception {
        Assumptions.assumeTrue(mode == RelayMode.COPY || loops.epoll(), "splice needs epoll");
        byte[] up = randomBytes(TEN_MIB, 4);
        try (RawBackend echo = new RawBackend(s -> s.getInputStream().transferTo(s.getOutputStream()));
             TransportFrontend f = frontend(FixedListDispatcher.of(echo.address()), mode); Socket c = connect(f)) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    c.getOutputStream().write(up);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            byte[] back = c.getInputStream().readNBytes(up.length);
            writer.get(20, TimeUnit.SECONDS);
            assertThat(sha256(back)).isEqualTo(sha256(up));
        }
    }

    @Test
    void shouldSpreadConnectionsOverBackendsAndCloseEachTicketOnce() throws Exception {
        try (RawBackend a = new RawBackend(s -> s.getOutputStream().write('A'));
             RawBackend b = new RawBackend(s -> s.getOutputStream().write('B'))) {
            FixedListDispatcher dispatcher = FixedListDispatcher.of(a.address(), b.address());
            try (TransportFrontend f = frontend(dispatcher, loops.epoll() ? RelayMode.SPLICE : RelayMode.COPY)) {
                List<Character> seen = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    try (Socket c = connect(f)) {
                        seen.add((char) c.getInputStream().read());
                        assertThat(c.getInputStream().read()).as("backend closed, so the client is closed").isEqualTo(-1);
                    }
                }
                assertThat(seen).containsExactly('A', 'B', 'A', 'B');
                assertThat(f.dispatched()).isEqualTo(4);
                await().atMost(Duration.ofSeconds(5)).until(() -> f.clientConnections() == 0 && dispatcher.allClosedOnce());
                assertThat(dispatcher.tickets).hasSize(4).allMatch(t -> t.successes.get() == 1);
                assertThat(dispatcher.keys).allMatch(k -> InetAddress.getLoopbackAddress().equals(k.client()));
            }
        }
    }

    @Test
    void shouldTryAnotherBackendWhenTheFirstRefusesTheConnection() throws Exception {
        InetSocketAddress dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = (InetSocketAddress) s.getLocalSocketAddress();
        }
        try (RawBackend alive = new RawBackend(s -> s.getOutputStream().write('B'))) {
            FixedListDispatcher dispatcher = FixedListDispatcher.of(dead, alive.address());
            try (TransportFrontend f = frontend(dispatcher, RelayMode.COPY)) {
                try (Socket c = connect(f)) {
                    assertThat(c.getInputStream().read()).isEqualTo('B');
                }
                await().atMost(Duration.ofSeconds(5)).until(dispatcher::allClosedOnce);
                assertThat(dispatcher.tickets).hasSize(2);
                assertThat(dispatcher.tickets.peek().failures.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldCloseTheClientWhenNoBackendIsEligible() throws Exception {
        try (TransportFrontend f = frontend(FixedListDispatcher.of(), RelayMode.COPY); Socket c = connect(f)) {
            InputStream in = c.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat(f.refused()).isEqualTo(1);
        }
    }

    @Test
    void shouldCloseTheBackendWhenTheClientGoesAway() throws Exception {
        CompletableFuture<Integer> backendSaw = new CompletableFuture<>();
        try (RawBackend backend = new RawBackend(s -> backendSaw.complete(s.getInputStream().read()))) {
            FixedListDispatcher dispatcher = FixedListDispatcher.of(backend.address());
            try (TransportFrontend f = frontend(dispatcher, loops.epoll() ? RelayMode.SPLICE : RelayMode.COPY)) {
                Socket c = connect(f);
                OutputStream out = c.getOutputStream();
                out.write('x');
                await().atMost(Duration.ofSeconds(5)).until(() -> backend.accepted.get() == 1);
                c.close();
                assertThat(backendSaw.get(5, TimeUnit.SECONDS)).isEqualTo('x');
                await().atMost(Duration.ofSeconds(5)).until(() -> f.clientConnections() == 0 && dispatcher.allClosedOnce());
            }
        }
    }
}
