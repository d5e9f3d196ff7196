package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.bench.switching.HttpPath;
import dev.caravan.cli.bench.switching.RespRounds;
import dev.caravan.cli.bench.switching.SwitchBenchReport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan bench switch} end to end at tiny settings (1 s runs, 1 round, 8 connections,
 * a few thousand RESP requests), so the command cannot rot: every HTTP path and both RESP paths
 * must be in the JSON with positive throughput, and the table, targets and figure must come out.
 * The figures themselves mean nothing at these settings.
 */
@Tag("slow")
class BenchSwitchCliTest {
    @TempDir
    Path tmp;

    @Test
    void shouldMeasureEveryPathWithPositiveThroughputAtTinySettings() throws Exception {
        Path json = tmp.resolve("switch.json");
        Path png = tmp.resolve("switch.png");
        Console.Result r = Console.run("bench", "switch", "-d", "1", "--rounds", "1", "--connections", "8", "--replicas", "3",
                "--resp-requests", "2000", "--resp-pipelined-requests", "5000", "--heap", "256m",
                "--json", json.toString(), "--png", png.toString(), "--work-dir", tmp.resolve("work").toString());
        assertThat(r.exitCode()).as("0 (targets met) or 3 (missed), never 1 (errors)\n" + r.err()).isIn(0, 3);
        assertThat(r.out()).contains("HTTP (GET / on 3 replicas", "RESP (redis-benchmark", "targets (issue 10):");
        assertThat(r.err()).as("progress goes to stderr").contains("==> ");

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertThat(root.path("schema").asText()).isEqualTo(SwitchBenchReport.SCHEMA);
        assertThat(root.path("errors").asBoolean(true)).as("no path failed or counted errors").isFalse();
        List<String> measured = new ArrayList<>();
        for (JsonNode row : root.path("http")) {
            assertThat(row.path("connections").asInt()).isEqualTo(8);
            assertThat(row.path("requestsPerSec").path("unit").asText()).isEqualTo("req/s");
            assertThat(row.path("requestsPerSec").path("median").asDouble()).as(row.path("path").asText()).isPositive();
            assertThat(row.path("p99").path("unit").asText()).isEqualTo("ms");
            assertThat(row.path("p99").path("median").asDouble()).as(row.path("path").asText()).isPositive();
            measured.add(row.path("path").asText());
        }
        assertThat(measured).containsExactlyElementsOf(HttpPath.ORDER);
        assertThat(root.path("resp")).hasSize(4);
        for (JsonNode row : root.path("resp")) {
            assertThat(row.path("direct").path("median").asDouble()).isPositive();
            assertThat(row.path("switch").path("median").asDouble()).as(RespRounds.SWITCH).isPositive();
        }
        assertThat(root.path("targets")).isNotEmpty();
        root.path("targets").forEach(t -> assertThat(t.path("measured").asBoolean()).as(t.path("target").asText()).isTrue());
        assertThat(root.path("haproxyResponsesPerServer").path("servers")).hasSize(3);
        assertThat(Files.size(png)).isPositive();
        assertThat(Files.readAllBytes(png)).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }

    @Test
    void shouldRefuseBadSettingsInOneLine() {
        Console.Result r = Console.run("bench", "switch", "--connections", "2", "--replicas", "3");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).contains("--connections 2 is fewer than the wrk threads");
        Console.Result rate = Console.run("bench", "switch", "--rate-fraction", "1.5");
        assertThat(rate.exitCode()).isNotZero();
        assertThat(rate.err()).contains("--rate-fraction in (0, 1]");
    }

    @Test
    void shouldDescribeEveryOptionInHelp() {
        Console.Result r = Console.run("bench", "switch", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--duration", "--connections", "--rounds", "--replicas", "--wrk-threads", "--haproxy-threads",
                "--rate-fraction", "--resp-requests", "--resp-pipelined-requests", "--resp-clients", "--no-resp", "--json", "--png",
                "--work-dir", "--heap", "HAProxy", "0.8x", "0.95x", "0.7x");
    }
}
