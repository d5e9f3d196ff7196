package dev.caravan.switching.http;

import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.Route;
import dev.caravan.switching.Route.AffinitySource;
import dev.caravan.switching.Route.RouteMatch;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.switching.transport.FixedListDispatcher;
import dev.caravan.switching.transport.RawBackend;
import dev.caravan.switching.transport.SwitchEventLoops;
import dev.caravan.switching.transport.TestSwitchContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class HttpContentFrontendTest {
    private static SwitchEventLoops loops;

    @BeforeAll
    static void startLoops() {
        loops = new SwitchEventLoops(2, true);
    }

    @AfterAll
    static void stopLoops() {
        loops.close();
    }

    static Route route(RouteMatch match, String tag) {
        return new Route(match, BackendSelector.parse("prefix:" + tag), PolicyKind.ROUND_ROBIN, null);
    }

    static HttpContentFrontend frontend(Map<Route, Dispatcher> routes) {
        FrontendSpec spec = new FrontendSpec("web", new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                FrontendProtocol.HTTP, DispatchMode.CONTENT, List.copyOf(routes.keySet()), null);
        return new HttpContentFrontend(spec, new TestSwitchContext(routes), loops);
    }

    static HttpContentFrontend frontend(Dispatcher dispatcher) {
        return frontend(Map.of(route(RouteMatch.ANY, "all"), dispatcher));
    }

    @Test
    void shouldRouteEachRequestByHostPathHeaderAndCookieOnOneConnection() throws Exception {
        try (StampingBackend host = new StampingBackend("host"); StampingBackend path = new StampingBackend("path");
             StampingBackend header = new StampingBackend("header"); StampingBackend cookie = new StampingBackend("cookie");
             StampingBackend other = new StampingBackend("other")) {
            Map<Route, Dispatcher> routes = new LinkedHashMap<>();
            routes.put(route(new RouteMatch("api.example", null, null, null, null, null, null), "h"), FixedListDispatcher.of(host.address()));
            routes.put(route(new RouteMatch(null, "/static/", null, null, null, null, null), "p"), FixedListDispatcher.of(path.address()));
            routes.put(route(new RouteMatch(null, null, "X-Canary", "1", null, null, null), "x"), FixedListDispatcher.of(header.address()));
            routes.put(route(new RouteMatch(null, null, null, null, "beta", "yes", null), "c"), FixedListDispatcher.of(cookie.address()));
            routes.put(route(RouteMatch.ANY, "o"), FixedListDispatcher.of(other.address()));
            try (HttpContentFrontend f = frontend(routes); RawHttp c = new RawHttp(f.address())) {
                c.send("GET / HTTP/1.1\r\nHost: API.example:8080\r\n\r\n");
                assertThat(c.read().header("X-Backend")).isEqualTo("host");
                c.send(RawHttp.get("/static/logo.png"));
                assertThat(c.read().header("X-Backend")).isEqualTo("path");
                c.send(RawHttp.get("/", "X-Canary: 1"));
                assertThat(c.read().header("X-Backend")).isEqualTo("header");
                c.send(RawHttp.get("/", "X-Canary: 2", "Cookie: a=b; beta=yes"));
                assertThat(c.read().header("X-Backend")).isEqualTo("cookie");
                c.send(RawHttp.get("/", "Cookie: beta=no"));
                RawHttp.Response last = c.read();
                assertThat(last.header("X-Backend")).isEqualTo("other");
                assertThat(last.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
                assertThat(last.header("Forwarded")).isEqualTo("for=127.0.0.1;proto=http");
                assertThat(f.dispatched()).isEqualTo(5);
            }
        }
    }

    @Test
    void shouldTakeTheAffinityKeyFromTheRoutesCookie() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            Route r = new Route(RouteMatch.ANY, BackendSelector.parse("prefix:a"), PolicyKind.AFFINITY,
                    new AffinitySource(AffinitySource.Kind.COOKIE, "sid"));
            FixedListDispatcher d = FixedListDispatcher.of(a.address());
            try (HttpContentFrontend f = frontend(Map.of(r, d)); RawHttp c = new RawHttp(f.address())) {
                c.send(RawHttp.get("/", "Cookie: x=1; sid=\"s-42\""));
                assertThat(c.read().status()).isEqualTo(200);
                assertThat(d.keys.peek().affinityKey()).isEqualTo("s-42");
                assertThat(d.keys.peek().client()).isEqualTo(InetAddress.getLoopbackAddress());
            }
        }
    }

    @Test
    void shouldAnswerTenPipelinedRequestsInOrderThoughTheyWentToASlowAndAFastBackend() throws Exception {
        try (StampingBackend slow = new StampingBackend("slow"); StampingBackend fast = new StampingBackend("fast")) {
            CountDownLatch fastDone = new CountDownLatch(1);
            slow.gate = fastDone; // the slow backend answers only after the fast one answered all five
            FixedListDispatcher d = FixedListDispatcher.of(slow.address(), fast.address());
            try (HttpContentFrontend f = frontend(d); RawHttp c = new RawHttp(f.address())) {
                StringBuilder batch = new StringBuilder();
                for (int i = 0; i < 10; i++) {
                    batch.append(RawHttp.get("/" + i, "X-Seq: " + i));
                }
                c.send(batch.toString());
                await().atMost(Duration.ofSeconds(10)).until(() -> fast.served.get() == 5);
                fastDone.countDown();
                for (int i = 0; i < 10; i++) {
                    RawHttp.Response r = c.read();
                    assertThat(r.header("X-Seq")).isEqualTo(String.valueOf(i));
                    assertThat(r.header("X-Backend")).isEqualTo(i % 2 == 0 ? "slow" : "fast");
                }
                await().atMost(Duration.ofSeconds(5)).until(d::allClosedOnce);
                assertThat(d.tickets).hasSize(10).allMatch(t -> t.successes.get() == 1 && t.failures.get() == 0);
            }
        }
    }

    @Test
    void shouldKeepTheConnectionAliveAndCloseAfterAResponseToConnectionClose() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address())); RawHttp c = new RawHttp(f.address())) {
                for (int i = 0; i < 3; i++) {
                    c.send(RawHttp.get("/"));
                    RawHttp.Response r = c.read();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("Connection")).isNull();
                }
                c.send(RawHttp.get("/", "Connection: close"));
                RawHttp.Response r = c.read();
                assertThat(r.text()).isEqualTo("a\n");
                assertThat(r.header("Connection")).isEqualTo("close");
                assertThat(c.closedByServer()).isTrue();
                await().atMost(Duration.ofSeconds(5)).until(() -> f.clientConnections() == 0);
            }
        }
    }

    @Test
    void shouldCarryBigBodiesBothWays() throws Exception {
        byte[] body = new byte[5 << 20];
        new Random(7).nextBytes(body);
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address())); RawHttp c = new RawHttp(f.address())) {
                c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
                c.send(body);
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(body);
                c.send("POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
                assertThat(c.read().text()).isEqualTo("hello world");
            }
        }
    }

    @Test
    void shouldAnswerMalformedInputWith400AndCloseOnlyThatClient() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address()));
                 RawHttp good = new RawHttp(f.address()); RawHttp bad = new RawHttp(f.address());
                 RawHttp huge = new RawHttp(f.address())) {
                good.send(RawHttp.get("/"));
                assertThat(good.read().status()).isEqualTo(200);
                bad.send("GET / HTTP/1.1\r\nHost: t\r\nBroken header line\r\n\r\n");
                RawHttp.Response r = bad.read();
                assertThat(r.status()).isEqualTo(400);
                assertThat(r.text()).doesNotContain("Exception").endsWith("\n").hasLineCount(1);
                assertThat(bad.closedByServer()).isTrue();
                huge.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n");
                assertThat(huge.read().status()).isEqualTo(431);
                good.send(RawHttp.get("/"));
                assertThat(good.read().status()).isEqualTo(200);
                assertThat(a.served.get()).isEqualTo(2);
            }
        }
    }

    @Test
    void shouldAnswer413OnlyAfterTheResponsesToEarlierPipelinedRequests() throws Exception {
        try (StampingBackend slow = new StampingBackend("slow")) {
            CountDownLatch release = new CountDownLatch(1);
            slow.gate = release;
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(slow.address())); RawHttp c = new RawHttp(f.address())) {
                c.send(RawHttp.get("/first", "X-Seq: 1")
                        + "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: " + (HttpLimits.MAX_REQUEST_BODY_BYTES + 1) + "\r\n\r\n");
                await().atMost(Duration.ofSeconds(10)).until(() -> f.dispatched() == 1);
                release.countDown();
                RawHttp.Response first = c.read();
                assertThat(first.status()).isEqualTo(200);
                assertThat(first.header("X-Seq")).isEqualTo("1");
                RawHttp.Response refused = c.read();
                assertThat(refused.status()).isEqualTo(413);
                assertThat(refused.header("Connection")).isEqualTo("close");
                assertThat(c.closedByServer()).isTrue();
                assertThat(f.dispatched()).as("the oversized request never reached a backend").isEqualTo(1);
            }
        }
    }

    @Test
    void shouldStreamABodyOverTheReplayLimitWhileTheClientIsStillSendingIt() throws Exception {
        byte[] body = new byte[3 * HttpLimits.MAX_REPLAY_BODY_BYTES + 17];
        new Random(11).nextBytes(body);
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address())); RawHttp c = new RawHttp(f.address())) {
                c.send("PUT /blob HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
                for (int off = 0; off < body.length; off += 10_000) {
                    int n = Math.min(10_000, body.length - off);
                    c.send(Integer.toHexString(n) + "\r\n");
                    c.send(java.util.Arrays.copyOfRange(body, off, off + n));
                    c.send("\r\n");
                }
                c.send("0\r\n\r\n");
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.body()).isEqualTo(body);
                c.send(RawHttp.get("/after"));
                assertThat(c.read().text()).isEqualTo("a\n");
            }
        }
    }

    @Test
    void shouldAnswer100ContinueAndThenForwardTheBody() throws Exception {
        try (StampingBackend a = new StampingBackend("a")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address())); RawHttp c = new RawHttp(f.address())) {
                c.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
                assertThat(c.read().status()).isEqualTo(100);
                c.send("hello");
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("hello");
            }
        }
    }

    /** A backend that reads a request's head and closes without answering. */
    private static RawBackend dropper() throws IOException {
        return new RawBackend(s -> {
            var in = s.getInputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            }
        });
    }

    @Test
    void shouldRetryAnIdempotentRequestWhoseBackendDiedButAnswer502ToAPost() throws Exception {
        try (RawBackend dead = dropper(); StampingBackend good = new StampingBackend("good")) {
            FixedListDispatcher d = FixedListDispatcher.of(dead.address(), good.address());
            try (HttpContentFrontend f = frontend(d); RawHttp c = new RawHttp(f.address())) {
                c.send(RawHttp.get("/"));
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Backend")).isEqualTo("good");
                c.send("POST /order HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
                RawHttp.Response post = c.read();
                assertThat(post.status()).isEqualTo(502);
                assertThat(post.text()).contains("may or may not have been carried out");
                assertThat(good.served.get()).isEqualTo(1);
                await().atMost(Duration.ofSeconds(5)).until(d::allClosedOnce);
                assertThat(d.failures()).isEqualTo(2);
            }
        }
    }

    @Test
    void shouldResendARequestAnswered421WithCaravanMovedToWhereTheProcessRunsNow() throws Exception {
        try (StampingBackend old = new StampingBackend("old"); StampingBackend moved = new StampingBackend("new")) {
            old.status = 421;
            old.movedHeader = "7 127.0.0.1:" + moved.address().getPort();
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(old.address())); RawHttp c = new RawHttp(f.address())) {
                c.send("POST /counter HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi");
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("X-Backend")).isEqualTo("new");
                assertThat(r.text()).isEqualTo("hi");
                assertThat(moved.served.get()).isEqualTo(1);
            }
        }
    }

    @Test
    void shouldNotResendABodyOverTheReplayLimitAfterA421ButAnswer502() throws Exception {
        try (StampingBackend old = new StampingBackend("old"); StampingBackend moved = new StampingBackend("new")) {
            old.status = 421;
            old.movedHeader = "7 127.0.0.1:" + moved.address().getPort();
            byte[] body = new byte[HttpLimits.MAX_REPLAY_BODY_BYTES + 1];
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(old.address())); RawHttp c = new RawHttp(f.address())) {
                c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
                c.send(body);
                RawHttp.Response r = c.read();
                assertThat(r.status()).isEqualTo(502);
                assertThat(r.text()).contains("moving");
                assertThat(moved.served.get()).isZero();
                c.send(RawHttp.get("/", "X-Seq: 2"));
                assertThat(c.read().header("X-Seq")).as("the connection stays usable").isEqualTo("2");
            }
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenNoBackendIsEligible() throws Exception {
        try (HttpContentFrontend f = frontend(FixedListDispatcher.of()); RawHttp c = new RawHttp(f.address())) {
            c.send(RawHttp.get("/"));
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            c.send(RawHttp.get("/"));
            assertThat(c.read().status()).as("the connection stays usable").isEqualTo(503);
            assertThat(f.refused()).isEqualTo(2);
        }
    }

    @Test
    void shouldServeCurl() throws Exception {
        try (StampingBackend a = new StampingBackend("a"); StampingBackend b = new StampingBackend("b")) {
            try (HttpContentFrontend f = frontend(FixedListDispatcher.of(a.address(), b.address()))) {
                String url = "http://127.0.0.1:" + f.address().getPort() + "/";
                Process p = new ProcessBuilder("curl", "-s", "-S", "--fail", url, url, url, url).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor()).as(out).isZero();
                assertThat(out).isEqualTo("a\nb\na\nb\n");
            }
        }
    }

    @Test
    void shouldServeWrkWithoutErrors() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/wrk").canExecute(), "wrk not installed");
        try (StampingBackend a = new StampingBackend("a"); StampingBackend b = new StampingBackend("b")) {
            FixedListDispatcher d = FixedListDispatcher.of(a.address(), b.address());
            try (HttpContentFrontend f = frontend(d)) {
                Process p = new ProcessBuilder("wrk", "-t1", "-c16", "-d2s", "http://127.0.0.1:" + f.address().getPort() + "/")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(p.waitFor()).as(out).isZero();
                assertThat(out).contains("requests in").doesNotContain("Non-2xx").doesNotContain("Socket errors");
                List<String> lines = new ArrayList<>(out.lines().toList());
                assertThat(lines).anyMatch(l -> l.startsWith("Requests/sec"));
                await().atMost(Duration.ofSeconds(5)).until(() -> f.clientConnections() == 0 && d.allClosedOnce());
            }
        }
    }
}
