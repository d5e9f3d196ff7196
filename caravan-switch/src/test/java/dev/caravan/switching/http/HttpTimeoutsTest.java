package dev.caravan.switching.http;

import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.Route.RouteMatch;
import dev.caravan.switching.transport.FixedListDispatcher;
import dev.caravan.switching.transport.RawBackend;
import dev.caravan.switching.transport.SwitchEventLoops;
import dev.caravan.switching.transport.TestSwitchContext;
import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The timers of the content-aware HTTP front end ({@link HttpTimeouts}), over real sockets with short bounds. */
class HttpTimeoutsTest {
    private static SwitchEventLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = new SwitchEventLoops(2, true);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    private static HttpContentFrontend frontend(Dispatcher dispatcher, HttpTimeouts timeouts) {
        Route route = HttpContentFrontendTest.route(RouteMatch.ANY, "all");
        FrontendSpec spec = new FrontendSpec("web", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FrontendProtocol.HTTP, DispatchMode.CONTENT, List.of(route), null);
        return new HttpContentFrontend(spec, new TestSwitchContext(Map.of(route, dispatcher)), loops, timeouts);
    }

    private static long msSince(long startNs) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
    }

    /** A backend that reads request heads and never answers; counts heads and closed connections. */
    private static final class SilentBackend implements AutoCloseable {
        final AtomicInteger heads = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final RawBackend raw;

        SilentBackend() throws IOException {
            raw = new RawBackend(s -> {
                try {
                    InputStream in = s.getInputStream();
                    int state = 0;
                    int b;
                    while ((b = in.read()) >= 0) {
                        state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
                        if (state == 4) {
                            heads.incrementAndGet();
                            state = 0;
                        }
                    }
                } finally {
                    closed.incrementAndGet();
                }
            });
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    @Test
    void shouldAnswer504ForABackendThatNeverAnswersAndNeitherRetryNorReuseItsConnection() throws Exception {
        try (SilentBackend silent = new SilentBackend(); StampingBackend good = new StampingBackend("good")) {
            FixedListDispatcher d = FixedListDispatcher.of(silent.raw.address(), good.address()); // round robin: 0, 2 silent; 1 good
            try (RawHttp warm = new RawHttp(good.address())) {
                warm.send(RawHttp.get("/")); // the JDK server's first answer is slow; the timed one must not be
                assertThat(warm.read().status()).isEqualTo(200);
            }
            try (HttpContentFrontend f = frontend(d, new HttpTimeouts(2_000, 60_000, 10_000)); RawHttp c = new RawHttp(f.address())) {
                long start = System.nanoTime();
                c.send(RawHttp.get("/0", "X-Seq: 0") + RawHttp.get("/1", "X-Seq: 1"));
                RawHttp.Response timedOut = c.read();
                long elapsedMs = msSince(start);
                assertThat(timedOut.status()).isEqualTo(504);
                assertThat(timedOut.text()).contains("within 2000 ms").contains("may or may not").hasLineCount(1);
                assertThat(elapsedMs).isBetween(2_000L, 15_000L);
                RawHttp.Response next = c.read();
                assertThat(next.status()).as(next.headers() + next.text()).isEqualTo(200);
                assertThat(next.header("X-Seq")).as("the pipelined request behind it, in order").isEqualTo("1");
                assertThat(next.header("X-Backend")).isEqualTo("good");
                await().atMost(Duration.ofSeconds(5)).until(() -> silent.closed.get() == 1);
                assertThat(silent.heads.get()).as("a GET that timed out is not sent again").isEqualTo(1);

                c.send(RawHttp.get("/2", "X-Seq: 2"));
                assertThat(c.read().status()).isEqualTo(504);
                assertThat(silent.raw.accepted.get()).as("the stuck connection was not reused").isEqualTo(2);
                assertThat(silent.heads.get()).isEqualTo(2);
                await().atMost(Duration.ofSeconds(5)).until(d::allClosedOnce);
                List<FixedListDispatcher.RecordingTicket> tickets = List.copyOf(d.tickets);
                assertThat(tickets).hasSize(3);
                assertThat(tickets.get(0).failures.get()).isEqualTo(1);
                assertThat(tickets.get(1).successes.get()).isEqualTo(1);
                assertThat(tickets.get(2).failures.get()).isEqualTo(1);
                c.send(RawHttp.get("/3", "X-Seq: 3"));
                assertThat(c.read().header("X-Seq")).as("the client connection stays usable").isEqualTo("3");
            }
        }
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnectionButNotOneWaitingForASlowResponse() throws Exception {
        // the backend takes three idle timeouts to answer (its processing time, not a test's wait)
        try (RawBackend slow = new RawBackend(s -> {
            InputStream in = s.getInputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
            try {
                Thread.sleep(900);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nslow\n".getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().read();
        })) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(slow.address()), new HttpTimeouts(10_000, 300, 10_000));
                 RawHttp c = new RawHttp(f.address())) {
                long start = System.nanoTime();
                c.send(RawHttp.get("/"));
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("slow\n");
                assertThat(msSince(start)).as("the response took longer than the idle timeout").isGreaterThanOrEqualTo(900L);
                assertThat(c.closedByServer()).isTrue();
                assertThat(msSince(start)).as("idle from the response on").isBetween(900L + 300L, 15_000L);
                await().atMost(Duration.ofSeconds(5)).until(() -> f.clientConnections() == 0);
            }
        }
    }

    @Test
    void shouldAnswer408ToASlowlorisHeadAndKeepServingOthers() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address()), new HttpTimeouts(10_000, 60_000, 1_000));
                 RawHttp loris = new RawHttp(f.address())) {
                long start = System.nanoTime();
                byte[] head = ("GET / HTTP/1.1\r\nHost: t\r\nX-Slow: " + "a".repeat(2_000) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII);
                int sent = 16;
                loris.send(java.util.Arrays.copyOf(head, sent));
                // then one byte every 20 ms, never 1 s of silence: only a bound on the whole head stops it
                while (sent < head.length && loris.socket.getInputStream().available() == 0) {
                    loris.send(new byte[] {head[sent++]});
                    Thread.sleep(20); // paces the attack; not synchronization
                }
                RawHttp.Response r = loris.read();
                assertThat(r.status()).isEqualTo(408);
                assertThat(r.header("Connection")).isEqualTo("close");
                assertThat(r.text()).contains("within 1000 ms").hasLineCount(1);
                assertThat(msSince(start)).isBetween(1_000L, 15_000L);
                assertThat(sent).as("the head was still arriving").isLessThan(head.length);
                assertThat(loris.closedByServer()).isTrue();
                assertThat(a.served.get()).isZero();
                try (RawHttp good = new RawHttp(f.address())) {
                    good.send(RawHttp.get("/"));
                    assertThat(good.read().status()).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void shouldAnswer408AfterTheResponseToAnEarlierPipelinedRequest() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address()), new HttpTimeouts(10_000, 60_000, 400));
                 RawHttp c = new RawHttp(f.address())) {
                c.send(RawHttp.get("/", "X-Seq: 1") + "GET /half HTTP/1.1\r\nHost: t\r\n");
                RawHttp.Response first = c.read();
                assertThat(first.header("X-Seq")).isEqualTo("1");
                long from = System.nanoTime();
                c.send("X-Late: 1\r\n"); // a byte of the next head after the first was answered
                assertThat(c.read().status()).isEqualTo(408);
                assertThat(msSince(from)).isLessThan(5_000L);
                assertThat(c.closedByServer()).isTrue();
                assertThat(a.served.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldCloseAConnectionThatSendsNothingWithoutAResponse() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address()), new HttpTimeouts(10_000, 60_000, 300));
                 RawHttp c = new RawHttp(f.address())) {
                long start = System.nanoTime();
                assertThat(c.socket.getInputStream().read()).as("closed with no byte written").isEqualTo(-1);
                assertThat(msSince(start)).isBetween(250L, 10_000L);
            }
        }
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> new HttpTimeouts(0, 1, 1)).isInstanceOf(CaravanException.class).hasMessageContaining("positive");
    }
}
