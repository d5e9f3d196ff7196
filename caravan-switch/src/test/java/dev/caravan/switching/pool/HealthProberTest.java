package dev.caravan.switching.pool;

import dev.caravan.core.time.Clock;
import dev.caravan.core.time.ManualClock;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.policy.PolicyKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.caravan.switching.pool.PoolFixtures.backend;
import static dev.caravan.switching.pool.PoolFixtures.limits;
import static dev.caravan.switching.pool.PoolFixtures.route;
import static dev.caravan.switching.pool.PoolFixtures.spec;
import static dev.caravan.switching.pool.PoolFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Active checks against real loopback sockets. */
class HealthProberTest {
    private final ManualClock clock = new ManualClock(1_000);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    @Test
    void shouldTakeADeadBackendOutAfterFallChecksAndBringItBackAfterRiseThenRampIt() throws Exception {
        ServerSocket live = listen(0);
        int deadPort = closedPort();
        BackendPool pool = track(new BackendPool(spec(FrontendProtocol.TCP, limits(0, 10, 1_000, 1_000, 2, 3, 10_000)),
                route(PolicyKind.ROUND_ROBIN), clock, null));
        pool.update(List.of(backend("web-1", live.getLocalPort()), backend("web-2", deadPort)));
        HealthProber prober = pool.healthProber();
        prober.probeOnce();
        assertThat(status(pool, "web-2").healthy()).as("one failed check of fall 2").isTrue();
        prober.probeOnce();
        assertThat(status(pool, "web-2").healthy()).isFalse();
        assertThat(status(pool, "web-1").healthy()).isTrue();
        assertThat(PoolFixtures.spread(pool, 10)).containsOnlyKeys("web-1");

        listen(deadPort); // the process is back on its port
        prober.probeOnce();
        prober.probeOnce();
        assertThat(status(pool, "web-2").healthy()).as("two good checks of rise 3").isFalse();
        prober.probeOnce();
        assertThat(status(pool, "web-2").healthy()).isTrue();
        assertThat(status(pool, "web-2").effectiveWeight()).isEqualTo(1);
        pool.setWeight("web-2", 10);
        clock.advanceMs(5_000);
        assertThat(status(pool, "web-2").effectiveWeight()).isEqualTo(5);
        clock.advanceMs(5_000);
        assertThat(status(pool, "web-2").effectiveWeight()).isEqualTo(10);
    }

    @Test
    void shouldCheckHttpByStatusBelow500() throws Exception {
        assertThat(check(FrontendProtocol.HTTP, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")).isTrue();
        assertThat(check(FrontendProtocol.HTTP, "HTTP/1.1 200 OK\r\n\r\n")).isTrue();
        assertThat(check(FrontendProtocol.HTTP, "HTTP/1.1 503 Service Unavailable\r\n\r\n")).isFalse();
        assertThat(check(FrontendProtocol.HTTP, "SSH-2.0-OpenSSH\r\n")).isFalse();
        assertThat(check(FrontendProtocol.HTTP, "")).as("closed without a reply").isFalse();
    }

    @Test
    void shouldCheckRespByPingPong() throws Exception {
        // Replies as redis-server 7.0.15 sends them (checked with a raw socket), with and without requirepass.
        assertThat(check(FrontendProtocol.RESP, "+PONG\r\n")).isTrue();
        assertThat(check(FrontendProtocol.RESP, "-NOAUTH Authentication required.\r\n")).isTrue();
        assertThat(check(FrontendProtocol.RESP, "-LOADING Redis is loading the dataset in memory\r\n")).isFalse();
        assertThat(check(FrontendProtocol.RESP, "+PON")).isFalse();
    }

    @Test
    void shouldFailACheckOfABackendThatNeverAnswersWithinTheTimeout() throws Exception {
        ServerSocket silent = listen(0); // accepts (backlog) but never replies
        long start = System.nanoTime();
        assertThat(HealthProbe.check(FrontendProtocol.RESP, new InetSocketAddress("127.0.0.1", silent.getLocalPort()), 200)).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void shouldCheckOnItsOwnThreadInARunningPoolAndStopOnClose() throws Exception {
        int deadPort = closedPort();
        BackendPool pool = BackendPool.create(spec(FrontendProtocol.TCP, limits(0, 10, 1_000, 100, 1, 1, 0)),
                route(PolicyKind.ROUND_ROBIN), Clock.system());
        pool.update(List.of(backend("web-1", deadPort)));
        await().atMost(Duration.ofSeconds(10)).until(() -> !status(pool, "web-1").healthy());
        listen(deadPort);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(pool, "web-1").healthy());
        pool.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("caravan-check-web/") || t.getName().equals("caravan-pool-web")));
    }

    private boolean check(FrontendProtocol protocol, String reply) throws IOException {
        ServerSocket server = listen(0);
        Thread responder = Thread.ofVirtual().start(() -> {
            try (Socket s = server.accept()) {
                InputStream in = s.getInputStream();
                in.read(new byte[512]); // the request, whatever its size here
                OutputStream out = s.getOutputStream();
                out.write(reply.getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException e) {
                // the test sees the probe's verdict
            }
        });
        boolean up = HealthProbe.check(protocol, new InetSocketAddress("127.0.0.1", server.getLocalPort()), 2_000);
        try {
            responder.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return up;
    }

    private ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress("127.0.0.1", port));
        return track(s);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        toClose.add(closeable);
        return closeable;
    }
}
