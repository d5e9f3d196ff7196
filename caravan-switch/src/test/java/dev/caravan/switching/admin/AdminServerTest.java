package dev.caravan.switching.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.switching.AdminState;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin API's HTTP surface against a fake switch (a fake BackendControl behind it). */
class AdminServerTest {
    private final FakeAdmin fake = new FakeAdmin();
    private AdminServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    /** Records every call; knows one backend, kv1, in front end "web". */
    static final class FakeAdmin implements SwitchAdmin {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public List<Frontend> frontends() {
            return List.of();
        }

        @Override
        public List<RouteBackend> backends(String frontend) {
            if (frontend != null && !frontend.equals("web")) {
                throw ErrorCode.NOT_FOUND.exception("no front end " + frontend);
            }
            return List.of(new RouteBackend("web", 0, "name:kv1",
                    new BackendStatus("kv1", "127.0.0.1:7001", "n1", AdminState.READY, true, 3, 3, 1, 10, 0), "splice (other host)"));
        }

        @Override
        public Frontend declare(FrontendSpec spec) {
            calls.add("declare " + spec.name());
            throw ErrorCode.ALREADY_EXISTS.exception("front end " + spec.name() + " already exists");
        }

        @Override
        public void remove(String frontend) {
            calls.add("remove " + frontend);
            if (!frontend.equals("web")) {
                throw ErrorCode.NOT_FOUND.exception("no front end " + frontend);
            }
        }

        @Override
        public void setWeight(String backendId, int weight) {
            if (weight < 1 || weight > 256) {
                throw ErrorCode.INVALID_ARGUMENT.exception("weight " + weight + " outside 1..256");
            }
            calls.add("weight " + backendId + " " + weight);
        }

        @Override
        public void setAdminState(String backendId, AdminState state) {
            calls.add(state + " " + backendId);
        }
    }

    private record Reply(int status, JsonNode body) {
    }

    private void start(String token) {
        server = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), fake, token);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Reply send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.address().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).as("one JSON line").endsWith("\n").doesNotContain("\n\n");
        assertThat(r.body().strip()).doesNotContain("\n");
        return new Reply(r.statusCode(), json.readTree(r.body()));
    }

    private Reply send(String method, String path) throws Exception {
        return send(method, path, null, null);
    }

    @Test
    void shouldListBackendsWithTheirStatus() throws Exception {
        start("");
        Reply r = send("GET", "/backends?frontend=web");
        assertThat(r.status()).isEqualTo(200);
        JsonNode b = r.body().get("backends").get(0);
        assertThat(b.get("frontend").asText()).isEqualTo("web");
        assertThat(b.get("id").asText()).isEqualTo("kv1");
        assertThat(b.get("address").asText()).isEqualTo("127.0.0.1:7001");
        assertThat(b.get("admin").asText()).isEqualTo("ready");
        assertThat(b.get("mode").asText()).isEqualTo("splice (other host)");
        assertThat(b.get("weight").asInt()).isEqualTo(3);
        assertThat(b.get("served").asLong()).isEqualTo(10);
        assertThat(send("GET", "/backends?frontend=nope").status()).isEqualTo(404);
    }

    @Test
    void shouldPassWeightDrainEnableDisableToTheSwitch() throws Exception {
        start("");
        assertThat(send("POST", "/backends/kv1/weight?value=7").body().get("weight").asInt()).isEqualTo(7);
        assertThat(send("POST", "/backends/kv1/drain").body().get("admin").asText()).isEqualTo("drain");
        assertThat(send("POST", "/backends/kv1/disable").status()).isEqualTo(200);
        assertThat(send("POST", "/backends/kv1/enable").status()).isEqualTo(200);
        assertThat(fake.calls).containsExactly("weight kv1 7", "DRAIN kv1", "DISABLED kv1", "READY kv1");
    }

    @Test
    void shouldRefuseBadWeightsWith400() throws Exception {
        start("");
        Reply missing = send("POST", "/backends/kv1/weight");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().get("error").asText()).contains("?value=N");
        assertThat(send("POST", "/backends/kv1/weight?value=x").status()).isEqualTo(400);
        Reply range = send("POST", "/backends/kv1/weight?value=0");
        assertThat(range.status()).isEqualTo(400);
        assertThat(range.body().get("code").asText()).isEqualTo("INVALID_ARGUMENT");
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void shouldAnswer404And405() throws Exception {
        start("");
        assertThat(send("GET", "/nothing").status()).isEqualTo(404);
        assertThat(send("POST", "/backends/kv1/explode").status()).isEqualTo(404);
        assertThat(send("PUT", "/frontends").status()).isEqualTo(405);
        assertThat(send("GET", "/backends/kv1/drain").status()).isEqualTo(405);
        assertThat(send("POST", "/backends").status()).isEqualTo(405);
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void shouldParseDeclaredFrontEndsAndMapErrorCodes() throws Exception {
        start("");
        String spec = "{\"name\": \"web\", \"listen\": \"127.0.0.1:0\", \"protocol\": \"tcp\", \"mode\": \"transport\","
                + " \"backends\": \"name:kv1\"}";
        Reply exists = send("POST", "/frontends", spec, null);
        assertThat(exists.status()).isEqualTo(409);
        assertThat(fake.calls).containsExactly("declare web");

        Reply bad = send("POST", "/frontends", "{\"name\": \"web\"}", null);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body().get("error").asText()).startsWith("POST /frontends: listen: missing");

        Reply notJson = send("POST", "/frontends", "{nope", null);
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.body().get("code").asText()).isEqualTo("MALFORMED");

        assertThat(send("POST", "/frontends", "", null).status()).isEqualTo(400);
        Reply reserved = send("POST", "/frontends", spec.replace("\"web\"", "\"process-kv\""), null);
        assertThat(reserved.status()).isEqualTo(400);
        Reply reservedService = send("POST", "/frontends", spec.replace("\"web\"", "\"service-web\""), null);
        assertThat(reservedService.status()).isEqualTo(400);
        assertThat(reservedService.body().get("error").asText()).contains("'service-'").contains("automatic front ends");

        assertThat(send("DELETE", "/frontends/web").status()).isEqualTo(200);
        assertThat(send("DELETE", "/frontends/other").status()).isEqualTo(404);
        assertThat(send("DELETE", "/frontends/process-kv1").status()).as("automatic front ends follow naming").isEqualTo(400);
        assertThat(send("DELETE", "/frontends/service-web").status()).as("automatic front ends follow naming").isEqualTo(400);
        assertThat(fake.calls).doesNotContain("remove process-kv1", "remove service-web");
    }

    @Test
    void shouldRefuseBodiesOver64KiBBeforeReadingThem() throws Exception {
        start("");
        String huge = "{\"name\": \"" + "x".repeat(AdminServer.MAX_BODY_BYTES) + "\"}";
        Reply r = send("POST", "/frontends", huge, null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().get("error").asText()).contains("larger than 65536 bytes");
        assertThat(fake.calls).isEmpty();
    }

    @Test
    void shouldAnswerGarbageWith400AndKeepServing() throws Exception {
        start("");
        try (Socket s = new Socket("127.0.0.1", server.address().getPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GARBAGE\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            // The JDK server answers a request line it cannot parse with 400 (or just closes).
            assertThat(head).isIn("HTTP/1.1 400", "");
        }
        assertThat(send("GET", "/backends").status()).isEqualTo(200);
    }

    @Test
    void shouldRequireTheClusterTokenWhenSet() throws Exception {
        start("s3cret");
        assertThat(send("GET", "/backends").status()).isEqualTo(401);
        assertThat(send("POST", "/backends/kv1/drain", null, "wrong").status()).isEqualTo(401);
        assertThat(fake.calls).isEmpty();
        assertThat(send("GET", "/backends", null, "s3cret").status()).isEqualTo(200);
        AdminClient client = new AdminClient(server.address(), "s3cret", java.time.Duration.ofSeconds(5));
        client.post("/backends/kv1/drain", null);
        assertThat(fake.calls).containsExactly("DRAIN kv1");
    }

    @Test
    void shouldTurnErrorRepliesIntoCaravanExceptionsInTheClient() {
        start("");
        AdminClient client = new AdminClient(server.address(), "", java.time.Duration.ofSeconds(5));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.get("/backends?frontend=nope"))
                .isInstanceOfSatisfying(dev.caravan.wire.CaravanException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND))
                .hasMessage("no front end nope");
    }
}
