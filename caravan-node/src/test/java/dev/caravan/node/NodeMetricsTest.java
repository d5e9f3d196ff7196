package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.observe.PrometheusText;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Scrapes real nodes' admin ports and parses the exposition: names, types, units, labels, and values that move. */
class NodeMetricsTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<NodeDaemon> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    private NodeDaemon start(String id) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id))
                .withProcessMemoryBytes(64 * MIB);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeDaemon::close);
        naming.close();
        http.close();
    }

    private PrometheusText scrape(NodeDaemon n) throws Exception {
        InetSocketAddress at = n.adminAddress().orElseThrow();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        return PrometheusText.parse(r.body());
    }

    private static double value(PrometheusText t, String name, Map<String, String> labels) {
        return t.value(name, labels).orElseThrow(() -> new AssertionError("no single sample " + name + labels + " in "
                + t.samples().stream().map(PrometheusText.Sample::name).filter(s -> s.startsWith("caravan")).distinct().toList()));
    }

    @Test
    void shouldExposeProcessMetersThatMoveWithCommandsAndLeaveWithTheProcess() throws Exception {
        NodeDaemon n1 = start("n1");
        NodeDaemon n2 = start("n2");
        n1.startProcess(new ProcessSpec("kv1", "kv", "", "", 8 * MIB, Map.of()));
        Map<String, String> kv1 = Map.of("daemon", "node", "instance_id", "n1", "process", "kv1");
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape(n1).value("caravan_process_commands_total", kv1).isPresent());
        double before = value(scrape(n1), "caravan_process_commands_total", kv1);
        for (int i = 0; i < 50; i++) {
            n1.call("kv1", 1, i + 1, Command.of("SET", "k" + i, "x".repeat(1000)));
        }
        PrometheusText t = scrape(n1);
        assertThat(value(t, "caravan_process_commands_total", kv1)).isEqualTo(before + 50);
        assertThat(t.types()).containsEntry("caravan_process_commands_total", "counter")
                .containsEntry("caravan_process_command_duration_seconds", "histogram")
                .containsEntry("caravan_process_memory_bytes", "gauge")
                .containsEntry("caravan_node_lease_renewal_age_seconds", "gauge");
        // One command in ProcessMeters.SAMPLE_EVERY is timed: 50 calls (and whatever the test sent before) give at least 6.
        assertThat(value(t, "caravan_process_command_duration_seconds_count", kv1))
                .isGreaterThanOrEqualTo(50 / ProcessMeters.SAMPLE_EVERY);
        assertThat(value(t, "caravan_process_command_duration_seconds_sum", kv1)).isPositive().isLessThan(10);
        assertThat(t.find("caravan_process_command_duration_seconds_bucket", kv1)).hasSizeGreaterThan(10)
                .allSatisfy(s -> assertThat(s.labels()).containsKey("le"));
        assertThat(value(t, "caravan_process_state", Map.of("process", "kv1", "state", "running"))).isEqualTo(1);
        assertThat(value(t, "caravan_process_state", Map.of("process", "kv1", "state", "failed"))).isZero();
        assertThat(value(t, "caravan_process_epoch", kv1)).isEqualTo(1);
        assertThat(value(t, "caravan_process_memory_capacity_bytes", kv1)).isEqualTo(8 * MIB);
        assertThat(value(t, "caravan_node_processes", Map.of("instance_id", "n1"))).isEqualTo(1);
        assertThat(value(t, "caravan_node_process_memory_reserved_bytes", Map.of())).isEqualTo(8 * MIB);
        assertThat(value(t, "caravan_node_process_memory_capacity_bytes", Map.of())).isEqualTo(64 * MIB);
        assertThat(value(t, "caravan_node_schedulable", Map.of())).isEqualTo(1);
        assertThat(value(t, "caravan_node_lease_owned", Map.of())).isEqualTo(1);
        assertThat(value(t, "caravan_node_lease_renewal_age_seconds", Map.of())).isBetween(0.0, 3.0);
        // Memory gauges read a snapshot the ticker refreshes each second.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText s = scrape(n1);
            assertThat(value(s, "caravan_process_pages_allocated", kv1)).isPositive();
            assertThat(value(s, "caravan_process_pages_dirty", kv1)).isPositive();
            assertThat(value(s, "caravan_process_pages_dirtied_total", kv1)).isPositive();
            assertThat(value(s, "caravan_process_memory_bytes", kv1)).isPositive();
        });

        MigrationReport report = n1.migration().migrate(new MigrationRequest("kv1", "n2", MigrationMode.PRE_COPY, 300, 30, 2,
                false, "", ""), p -> { });
        assertThat(report.outcome()).isEqualTo(MigrationOutcome.COMMITTED);
        Map<String, String> preCopy = Map.of("mode", "pre-copy", "operation", "migrate");
        PrometheusText after = scrape(n1);
        assertThat(value(after, "caravan_migrations_started_total", preCopy)).isEqualTo(1);
        assertThat(value(after, "caravan_migrations_committed_total", preCopy)).isEqualTo(1);
        assertThat(value(after, "caravan_migration_sent_bytes_total", preCopy)).isEqualTo(report.bytesSent());
        assertThat(value(after, "caravan_migration_downtime_seconds_count", preCopy)).isEqualTo(1);
        assertThat(value(after, "caravan_migration_downtime_seconds_sum", preCopy))
                .isCloseTo(report.downtimeMicros() / 1e6, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(value(after, "caravan_migration_rounds_count", preCopy)).isEqualTo(1);
        assertThat(after.find("caravan_migration_phase", Map.of())).as("a finished migration leaves no gauge").isEmpty();
        // The process left n1: its series go within a second; n2 serves it at epoch 2.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(scrape(n1).find("caravan_process_commands_total", Map.of("process", "kv1"))).isEmpty();
            assertThat(scrape(n2).value("caravan_process_epoch", Map.of("process", "kv1"))).contains(2.0);
        });
        assertThat(value(scrape(n1), "caravan_node_processes", Map.of())).isZero();
    }

    /** docs/operating.md must list every metric family a node exposes, so that the doc cannot rot. */
    @Test
    void shouldListEveryExposedMetricInTheOperatingDoc() throws Exception {
        NodeDaemon n1 = start("n1");
        start("n2");
        n1.startProcess(new ProcessSpec("kv1", "kv", "", "", 8 * MIB, Map.of()));
        n1.call("kv1", 1, 1, Command.of("SET", "k", "v"));
        await().atMost(Duration.ofSeconds(10)).until(() -> scrape(n1).value("caravan_process_epoch",
                Map.of("process", "kv1")).isPresent());
        n1.migration().migrate(new MigrationRequest("kv1", "n2", MigrationMode.POST_COPY, 300, 30, 2, false, "", ""), p -> { });
        String doc = Files.readString(Path.of("..", "docs", "operating.md"));
        TreeSet<String> missing = new TreeSet<>();
        for (String family : scrape(n1).types().keySet()) {
            if (!doc.contains("`" + family + "`")) {
                missing.add(family);
            }
        }
        assertThat(missing).as("metrics missing from docs/operating.md (list each as `name`)").isEmpty();
    }
}
