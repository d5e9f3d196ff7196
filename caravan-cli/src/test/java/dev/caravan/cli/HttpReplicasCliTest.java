package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.client.NodeControl;
import dev.caravan.naming.NamingEntry;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP sample as replicas on real node JVMs, deployed with the CLI and driven with real
 * clients: {@code curl}, Java's HttpClient (keep-alive) and a raw socket.
 */
@Tag("slow")
class HttpReplicasCliTest {
    private static CaravanCluster cluster;
    private static String naming;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
        naming = cluster.namingHostPort();
        Console.Result deploy = Console.run("deploy", "--sample", "http", "--name", "web", "--replicas", "3", "--label",
                "tier=front", "--memory", "16m", "--json", "--naming", naming);
        assertThat(deploy.exitCode()).as(deploy.err()).isZero();
        JsonNode started = new ObjectMapper().readTree(deploy.out()).path("processes");
        List<String> names = new ArrayList<>();
        Set<String> nodes = new HashSet<>();
        started.forEach(p -> {
            names.add(p.path("name").asText());
            nodes.add(p.path("node").asText());
        });
        assertThat(names).containsExactly("web-1", "web-2", "web-3");
        assertThat(nodes).as("spread over the nodes").hasSize(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static NamingEntry entry(String name) {
        return cluster.client().naming().lookup("process/" + name).orElseThrow();
    }

    private static String base(NamingEntry e) {
        return "http://" + e.host() + ":" + e.port();
    }

    /** Runs curl; returns its standard output (headers included with -i). */
    private static String curl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void shouldPublishEachReplicaWithItsLabelsAndCountPerCookieWithCurl() throws Exception {
        for (String name : List.of("web-1", "web-2", "web-3")) {
            NamingEntry e = entry(name);
            assertThat(e.attributes()).containsEntry("label.service", "web").containsEntry("label.tier", "front")
                    .containsEntry("protocol", "http");
            String jar = tmp.resolve(name + ".cookies").toString();
            String first = curl("-i", "-c", jar, "-b", jar, base(e) + "/counter");
            assertThat(first).startsWith("HTTP/1.1 200 OK").contains("X-Caravan-Process: " + name).contains("Set-Cookie: caravan-session=")
                    .endsWith("\r\n\r\n1\n");
            assertThat(curl("-c", jar, "-b", jar, base(e) + "/counter")).isEqualTo("2\n");
            assertThat(curl("-c", jar, "-b", jar, base(e) + "/counter")).isEqualTo("3\n");
            assertThat(curl(base(e) + "/counter")).as("no cookie, a new session").isEqualTo("1\n");
            assertThat(curl(base(e) + "/")).contains(name);
            assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", base(e) + "/health")).isEqualTo("200");
        }
    }

    @Test
    void shouldAnswerMalformedHttp400AndKeepServingOthers() throws Exception {
        NamingEntry e = entry("web-2");
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create(base(e) + "/health")).build();
        assertThat(client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        try (Socket bad = new Socket(e.host(), e.port())) {
            bad.getOutputStream().write("GET /\u0000 nonsense\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(bad.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close");
        }
        assertThat(client.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    /**
     * A keep-alive client counts in one session while its replica moves: it follows a 421 to
     * where {@code Caravan-Moved} says (as the switch does); every answer is the previous plus
     * one, so nothing ran twice or was lost, and the session moved with the process.
     */
    @Test
    void shouldKeepSessionsAcrossAMigrationUnderKeepAliveLoadAndAnswer421AtTheOldEndpoint() throws Exception {
        NamingEntry before = entry("web-3");
        String to = cluster.client().nodes().keySet().stream().filter(n -> !n.equals(before.node())).findFirst().orElseThrow();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String cookie = "caravan-session=00112233445566778899aabbccddeeff";
        AtomicBoolean stop = new AtomicBoolean();
        List<Long> counts = new ArrayList<>();
        List<String> moves = new ArrayList<>();
        CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
            String at = base(before);
            try {
                while (!stop.get()) {
                    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(at + "/counter"))
                            .header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 421) {
                        String moved = r.headers().firstValue("Caravan-Moved").orElseThrow();
                        moves.add(moved);
                        at = "http://" + moved.split(" ")[1];
                        continue;
                    }
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    synchronized (counts) {
                        counts.add(Long.parseLong(r.body().strip()));
                    }
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> sizeOf(counts) > 50 || load.isDone());
        InetSocketAddress control = cluster.client().resolve("web-3").orElseThrow().control();
        MigrationReport report = NodeControl.migrate(control, "", new MigrationRequest("web-3", to, MigrationMode.PRE_COPY,
                50, 30, 2, false, "", ""), p -> { }, Duration.ofMinutes(1));
        assertThat(report.outcome().label()).as(report.detail()).isEqualTo("committed");
        int atCommit = sizeOf(counts);
        await().atMost(Duration.ofSeconds(20)).until(() -> sizeOf(counts) > atCommit + 50 || load.isDone());
        stop.set(true);
        load.get(20, TimeUnit.SECONDS);

        NamingEntry after = entry("web-3");
        assertThat(after.node()).isEqualTo(to);
        assertThat(moves).containsExactly(report.epoch() + " " + after.host() + ":" + after.port());
        synchronized (counts) {
            for (int i = 0; i < counts.size(); i++) {
                assertThat(counts.get(i)).as("answer " + i).isEqualTo(i + 1L);
            }
        }
        String old = curl("-i", "-H", "Cookie: " + cookie, base(before) + "/counter");
        assertThat(old).startsWith("HTTP/1.1 421 Misdirected Request")
                .contains("Caravan-Moved: " + report.epoch() + " " + after.host() + ":" + after.port())
                .contains("Connection: close");
        assertThat(curl("-H", "Cookie: " + cookie, base(after) + "/counter")).as("the 421 request was not run")
                .isEqualTo((sizeOf(counts) + 1) + "\n");
    }

    /**
     * A switch in front (in this JVM, on the cluster's naming): the three replicas share one
     * automatic service front end, {@code caravan ps} shows its address for each, and curl
     * there is answered by each replica in turn (round robin).
     */
    @Test
    void shouldReachTheServiceThroughItsAutomaticSwitchFrontEndShownByPs() throws Exception {
        try (dev.caravan.naming.RemoteNamingService switchNaming = new dev.caravan.naming.RemoteNamingService(
                cluster.namingAddress(), new dev.caravan.wire.net.Hello("switch", ""), Duration.ofSeconds(5));
             dev.caravan.switching.SwitchDaemon sw = dev.caravan.switching.SwitchDaemon.start(new dev.caravan.switching.config.SwitchConfig(
                     "s1", "127.0.0.1", 0, tmp.resolve("switch"), 3_000, true, 60_000, "", List.of()), switchNaming,
                     dev.caravan.core.time.Clock.system())) {
            var front = sw.frontend("service-web").orElseThrow();
            String address = "127.0.0.1:" + front.address().getPort();
            await().atMost(Duration.ofSeconds(20)).until(() -> List.of("web-1", "web-2", "web-3").stream().allMatch(n ->
                    cluster.client().naming().lookup("front/" + n).map(e -> e.port() == front.address().getPort()).orElse(false)));
            Console.Result ps = Console.run("ps", "--naming", naming, "--json");
            assertThat(ps.exitCode()).as(ps.err()).isZero();
            JsonNode processes = new ObjectMapper().readTree(ps.out()).path("processes");
            processes.forEach(p -> assertThat(p.path("switch").asText()).as(p.path("name").asText()).isEqualTo(address));
            assertThat(sw.frontend("process-web-1")).as("no RESP front end for an HTTP process").isEmpty();

            await().atMost(Duration.ofSeconds(20)).until(() -> sw.backends("service-web").stream()
                    .filter(b -> b.status().effectiveWeight() > 0).count() == 3);
            Set<String> servedBy = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                String answer = curl("-i", "http://" + address + "/");
                assertThat(answer).startsWith("HTTP/1.1 200 OK");
                answer.lines().filter(l -> l.startsWith("X-Caravan-Process: ")).forEach(l -> servedBy.add(l.substring(19).strip()));
            }
            assertThat(servedBy).containsExactlyInAnyOrder("web-1", "web-2", "web-3");
        }
    }

    private static int sizeOf(List<Long> counts) {
        synchronized (counts) {
            return counts.size();
        }
    }
}
