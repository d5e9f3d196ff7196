package dev.caravan.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.client.KvFiller;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * Debian's Prometheus server scrapes a real cluster's daemons (naming, two nodes, the switch) and
 * answers queries about them through its HTTP API: the exposition is what a real Prometheus accepts.
 */
@Tag("slow")
class PrometheusScrapeTest {
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void shouldBeScrapedByPrometheusWhichReadsTheCommandCounterBack() throws Exception {
        if (!Files.isExecutable(PROMETHEUS)) {
            fail(PROMETHEUS + " is missing (Debian package prometheus): run ./caravan test, which installs it");
        }
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withSwitch().start();
             HttpClient http = HttpClient.newHttpClient()) {
            ProcessInfo kv = c.deployKv("kv1", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 500, 100);
            List<String> targets = new ArrayList<>();
            targets.add(job("naming", c.local().namingAdmin()));
            c.local().nodeAdmins().forEach((id, at) -> targets.add(job("node-" + id, at)));
            targets.add(job("switch", c.local().switchMetrics()));
            Path config = tmp.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n"
                    + String.join("", targets));
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + tmp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
            try {
                String api = "http://127.0.0.1:" + port + "/api/v1/query?query=";
                // Every target scraped successfully: a real Prometheus accepted each daemon's exposition.
                await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode up = query(http, api, "up");
                    assertThat(up.size()).as("targets").isEqualTo(targets.size());
                    up.forEach(r -> assertThat(r.get("value").get(1).asText()).as(r.get("metric").toString()).isEqualTo("1"));
                });
                await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode r = query(http, api, "caravan_process_commands_total{process=\"kv1\",instance_id=\"n1\"}");
                    assertThat(r.size()).isEqualTo(1);
                    assertThat(r.get(0).get("value").get(1).asDouble()).isGreaterThanOrEqualTo(500);
                    assertThat(query(http, api, "caravan_naming_leases").get(0).get("value").get(1).asDouble())
                            .as("two nodes and a switch hold leases").isGreaterThanOrEqualTo(3);
                    assertThat(query(http, api, "caravan_switch_frontends").get(0).get("value").get(1).asDouble()).isPositive();
                    assertThat(query(http, api, "caravan_node_processes{instance_id=\"n1\"}").get(0).get("value").get(1).asDouble())
                            .isEqualTo(1);
                });
            } finally {
                prometheus.destroy();
                if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                    prometheus.destroyForcibly();
                }
            }
            assertThat(c.unexpectedErrors()).isEmpty();
        }
    }

    private static String job(String name, InetSocketAddress at) {
        return "  - job_name: " + name + "\n    static_configs:\n      - targets: ['" + at.getHostString() + ":" + at.getPort() + "']\n";
    }

    /** The result vector of an instant query. */
    private static JsonNode query(HttpClient http, String api, String promql) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(api + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body()).get("data").get("result");
    }
}
