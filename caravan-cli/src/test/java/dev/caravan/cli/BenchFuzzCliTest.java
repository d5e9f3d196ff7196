package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code caravan bench fuzz}: every port's target runs, the JSON summary, one-line usage errors. */
class BenchFuzzCliTest {
    @Test
    void shouldFuzzEveryPortsParserAndSummariseAsJson() throws Exception {
        Console.Result r = Console.run("bench", "fuzz", "--duration", "3s", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertThat(summary.get("findings").asLong()).isZero();
        assertThat(summary.get("targets")).hasSizeGreaterThanOrEqualTo(13);
        for (JsonNode t : summary.get("targets")) {
            assertThat(t.get("inputs").asLong()).as(t.get("target").asText()).isPositive();
            assertThat(t.get("finding").isNull()).as(t.get("target").asText()).isTrue();
        }
        assertThat(r.err()).contains("switch-dns (switch DNS (UDP and TCP))", "naming-requests");
    }

    @Test
    void shouldRefuseAnUnknownTargetInOneLine() {
        Console.Result r = Console.run("bench", "fuzz", "--target", "nope", "--duration", "1s");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown --target in [nope]").doesNotContain("Exception");
    }
}
