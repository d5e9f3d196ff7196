package dev.caravan.cli.bench.mobility;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan bench mobility --quick} runs the three JMH benchmarks and reports them as a table and JSON. */
class BenchMobilityCliTest {
    @TempDir
    Path dir;

    @Test
    void shouldPrintTheOverheadTableAndWriteItsJson() throws IOException {
        Path json = dir.resolve("mobility.json");

        Console.Result r = Console.run("bench", "mobility", "--quick", "--json", json.toString());

        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("ns/iteration", "× plain", "plain", "enhancedNotSuspending", "enhancedSuspendResume");
        JsonNode rows = new ObjectMapper().readTree(json.toFile()).get("rows");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(0).get("ratioToPlain").asDouble()).isEqualTo(1.0);
        for (JsonNode row : rows) {
            assertThat(row.get("nsPerIteration").asDouble()).isPositive();
        }
    }
}
