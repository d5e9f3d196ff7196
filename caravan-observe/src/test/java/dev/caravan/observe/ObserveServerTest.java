package dev.caravan.observe;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ObserveServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private DaemonMetrics metrics;
    private ObserveServer server;

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        http.close();
    }

    private EventLog start(String token) throws Exception {
        metrics = new DaemonMetrics("node", "n1");
        EventLog events = new EventLog("n1");
        LogLines logs = new LogLines(16);
        logs.add(1, "INFO", "process.kv1", "hello from kv1");
        logs.add(2, "INFO", "dev.caravan.node.NodeDaemon", "node line");
        server = ObserveServer.start(new InetSocketAddress("127.0.0.1", 0), token, metrics, events, logs);
        return events;
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServePrometheusTextWithJvmMetersAndCommonTags() throws Exception {
        start("");
        HttpResponse<String> r = get("/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body()).contains("# TYPE jvm_memory_used_bytes gauge").contains("instance_id=\"n1\"").contains("daemon=\"node\"");
    }

    @Test
    void shouldListEventsSinceASequenceNumberAndFilterBySubject() throws Exception {
        EventLog events = start("");
        events.publish(EventKind.PROCESS_DEPLOYED, "kv1", "deployed kv1");
        events.publish(EventKind.PROCESS_DEPLOYED, "kv2", "deployed kv2");
        events.publish(EventKind.PROCESS_STOPPED, "kv1", "stopped kv1");
        HttpResponse<String> r = get("/events?since=1&subject=kv1", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"version\":1").contains("\"lastSeq\":3").contains("stopped kv1")
                .doesNotContain("deployed kv1").doesNotContain("kv2");
    }

    @Test
    void shouldStreamNewEventsToAWatcher() throws Exception {
        EventLog events = start("");
        events.publish(EventKind.NODE_CORDONED, "n1", "before");
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/events?watch=true"))
                .header("Last-Event-ID", "1").build();
        HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(in.readLine()).isEqualTo(": stream");
            events.publish(EventKind.MIGRATION_PHASE, "kv1", "round 1", Map.of("phase", "ROUNDS"));
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.isEmpty());
            assertThat(line).isEqualTo("id: 2");
            assertThat(in.readLine()).isEqualTo("event: migration-phase");
            assertThat(in.readLine()).startsWith("data: {\"seq\":2,").contains("\"phase\":\"ROUNDS\"");
        }
    }

    @Test
    void shouldAskForTheTokenForEventsAndLogsButNotForMetrics() throws Exception {
        start("s3cret");
        assertThat(get("/events", null).statusCode()).isEqualTo(401);
        assertThat(get("/logs", "wrong").statusCode()).isEqualTo(401);
        assertThat(get("/events", "s3cret").statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).statusCode()).isEqualTo(200);
        assertThat(get("/healthz", null).body()).isEqualTo("ok\n");
    }

    @Test
    void shouldSeparateAProcesssLogLinesFromItsNodes() throws Exception {
        start("");
        assertThat(get("/logs?process=kv1", null).body()).contains("hello from kv1").doesNotContain("node line");
        assertThat(get("/logs?process=", null).body()).contains("node line").doesNotContain("hello from kv1");
    }

    @Test
    void shouldAnswerBadRequestsWithOneLineOfJson() throws Exception {
        start("");
        HttpResponse<String> bad = get("/events?since=abc", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("{\"error\":\"since must be a number, got 'abc'\"}\n");
        assertThat(get("/nope", null).statusCode()).isEqualTo(404);
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + "/events"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }

    @Test
    void shouldKeepOnlyTheLastEventsAndEndAWatcherThatFallsBehind() {
        EventLog events = new EventLog("n1", 3, java.time.InstantSource.system());
        Subscription slow = events.subscribe(0);
        for (int i = 0; i < Subscription.CAPACITY + 1; i++) {
            events.publish(EventKind.NOTICE, "n1", "e" + i);
        }
        assertThat(events.since(0)).extracting(Event::seq).containsExactly((long) Subscription.CAPACITY - 1,
                (long) Subscription.CAPACITY, (long) Subscription.CAPACITY + 1);
        assertThat(slow.overflowed()).isTrue();
        assertThat(events.subscriptionCount()).isZero();
    }
}
