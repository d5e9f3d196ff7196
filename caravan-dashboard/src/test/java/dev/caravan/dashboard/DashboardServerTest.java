package dev.caravan.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.wire.ErrorCode;
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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ProbeSamples samples = new ProbeSamples(100);
    private final FakeActions actions = new FakeActions();
    private final ShownProcesses shown = new ShownProcesses();
    private DashboardServer server;

    /** Records what the page asked for; refuses process "ghost" as the real actions would. */
    static final class FakeActions implements Actions {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public long migrate(String process, String to, String mode) {
            if ("ghost".equals(process)) {
                throw ErrorCode.NOT_FOUND.exception("no process named 'ghost' is registered");
            }
            calls.add("migrate " + process + " " + to + " " + mode);
            return 7;
        }

        @Override
        public long cloneProcess(String process, String to, String name, String mode) {
            calls.add("clone " + process + " " + to + " " + name + " " + mode);
            return 8;
        }

        @Override
        public long checkpoint(String process) {
            calls.add("checkpoint " + process);
            return 9;
        }

        @Override
        public long drain(String node, String mode) {
            calls.add("drain " + node + " " + mode);
            return 10;
        }

        @Override
        public List<ActionView> snapshot() {
            return List.of(new ActionView(7, "migrate", "kv1", "running", "moving kv1 to n2 (pre-copy)", 1, -1));
        }
    }

    private URI start(String token) throws Exception {
        ClusterSnapshot cluster = new ClusterSnapshot(1, List.of(new ClusterSnapshot.NodeView("n1", "127.0.0.1:1", "", "", true,
                1 << 30, 0, 0, 0.1, List.of("kv1"))), List.of());
        server = DashboardServer.start(new InetSocketAddress("127.0.0.1", 0), token, 50, () -> cluster,
                new MigrationTracker(now::get), actions, List::of, samples, now::get, shown);
        return URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> post(URI base, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldServeThePageAndItsAssetsFromTheJar() throws Exception {
        URI base = start("");
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(base.resolve("/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Caravan dashboard</title>").contains("/static/app.js")
                .doesNotContain("http://").doesNotContain("https://");
        for (String asset : List.of("/static/app.js", "/static/figure.js", "/static/style.css")) {
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(base.resolve(asset)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(a.statusCode()).as(asset).isEqualTo(200);
            assertThat(a.body()).as(asset + " fetches nothing from elsewhere").doesNotContain("https://");
        }
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(base.resolve("/static/../../etc/passwd")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").asText()).doesNotContain("\n");
    }

    @Test
    void shouldRefuseActionsWithoutTheClusterTokenWhenOneIsSet() throws Exception {
        URI base = start("s3cret");
        String body = "{\"process\":\"kv1\",\"to\":\"n2\",\"mode\":\"post-copy\"}";

        HttpResponse<String> without = post(base, "/api/migrate", body, "Content-Type", "application/json");
        HttpResponse<String> wrong = post(base, "/api/migrate", body, "Content-Type", "application/json", "Authorization", "Bearer nope");
        HttpResponse<String> with = post(base, "/api/migrate", body, "Content-Type", "application/json", "Authorization", "Bearer s3cret");

        assertThat(without.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(without.body()).get("error").asText()).contains("cluster token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(with.statusCode()).isEqualTo(202);
        assertThat(JSON.readTree(with.body()).get("id").asLong()).isEqualTo(7);
        assertThat(actions.calls).containsExactly("migrate kv1 n2 post-copy");
        HttpResponse<String> state = http.send(HttpRequest.newBuilder(base.resolve("/api/state")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(state.statusCode()).as("reading needs no token").isEqualTo(200);
        assertThat(JSON.readTree(state.body()).get("actionsNeedToken").asBoolean()).isTrue();
    }

    @Test
    void shouldOpenActionsWhenTheClusterHasNoTokenButRefuseOtherSitesAndNonJson() throws Exception {
        URI base = start("");

        HttpResponse<String> open = post(base, "/api/drain", "{\"node\":\"n1\"}", "Content-Type", "application/json");
        HttpResponse<String> form = post(base, "/api/drain", "node=n1", "Content-Type", "application/x-www-form-urlencoded");
        HttpResponse<String> foreign = post(base, "/api/drain", "{\"node\":\"n1\"}", "Content-Type", "application/json",
                "Origin", "http://evil.example");
        HttpResponse<String> notJson = post(base, "/api/drain", "{node", "Content-Type", "application/json");
        HttpResponse<String> huge = post(base, "/api/drain", "{\"node\":\"" + "x".repeat(DashboardServer.MAX_BODY_BYTES) + "\"}",
                "Content-Type", "application/json");

        assertThat(open.statusCode()).isEqualTo(202);
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(actions.calls).containsExactly("drain n1 null");
    }

    @Test
    void shouldAnswerAnActionThatCannotStartWithItsOneLineReason() throws Exception {
        URI base = start("");

        HttpResponse<String> ghost = post(base, "/api/migrate", "{\"process\":\"ghost\",\"to\":\"n2\"}", "Content-Type",
                "application/json");
        HttpResponse<String> unknown = post(base, "/api/frobnicate", "{}", "Content-Type", "application/json");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(base.resolve("/api/migrate")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(ghost.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(ghost.body()).get("error").asText()).isEqualTo("no process named 'ghost' is registered");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @Test
    void shouldStreamTheStateWithEachProbeSampleOnce() throws Exception {
        URI base = start("");
        samples.add("kv1", 999_000, 0.25, true);
        HttpResponse<java.io.InputStream> resp = http.send(HttpRequest.newBuilder(base.resolve("/api/stream")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(resp.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            JsonNode first = nextState(r);
            assertThat(first.get("cluster").get("nodes").get(0).get("id").asText()).isEqualTo("n1");
            assertThat(first.get("samples")).hasSize(1);
            assertThat(first.get("samples").get(0).get(2).asDouble()).isEqualTo(0.25);

            samples.add("kv1", 1_000_100, 80.0, true);
            JsonNode next = nextState(r);
            while (next.get("samples").isEmpty()) {
                next = nextState(r);
            }
            assertThat(next.get("samples")).as("only what is new").hasSize(1);
            assertThat(next.get("samples").get(0).get(2).asDouble()).isEqualTo(80.0);
            assertThat(nextState(r).get("samples")).isEmpty();
        }
    }

    @Test
    void shouldRegisterTheProcessAPageDrawsWhileItsStreamIsOpen() throws Exception {
        URI base = start("");
        HttpResponse<java.io.InputStream> resp = http.send(HttpRequest.newBuilder(base.resolve("/api/stream?show=kv%2D1")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(), StandardCharsets.UTF_8))) {
            nextState(r);
            assertThat(shown.shown()).containsExactly("kv-1");
        }
        org.awaitility.Awaitility.await().atMost(5, java.util.concurrent.TimeUnit.SECONDS)
                .until(() -> shown.shown().isEmpty());

        try (BufferedReader r = new BufferedReader(new InputStreamReader(http.send(HttpRequest.newBuilder(
                base.resolve("/api/stream")).build(), HttpResponse.BodyHandlers.ofInputStream()).body(), StandardCharsets.UTF_8))) {
            nextState(r);
            assertThat(shown.shown()).as("a stream that names no process asks for no probe").isEmpty();
        }
    }

    private static JsonNode nextState(BufferedReader r) throws Exception {
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return JSON.readTree(line.substring("data: ".length()));
            }
        }
        throw new AssertionError("the stream ended");
    }
}
