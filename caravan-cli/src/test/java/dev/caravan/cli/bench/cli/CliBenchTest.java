package dev.caravan.cli.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CliBenchTest {
    @TempDir
    Path dir;

    private static TimedCommand command(String name, String reference) {
        return new TimedCommand(name, List.of("true"), 0, o -> true, "anything", reference);
    }

    private static CliTimings timings(TimedCommand c, long... ms) {
        CliTimings t = new CliTimings(c);
        for (long m : ms) {
            t.add(m * 1_000_000);
        }
        return t;
    }

    @Test
    void shouldTakeTheMedianMinAndMaxOfTheRuns() {
        CliTimings odd = timings(command("a", null), 30, 10, 20);
        CliTimings even = timings(command("b", null), 40, 10, 20, 30);

        assertThat(odd.medianMs()).isEqualTo(20.0);
        assertThat(even.medianMs()).isEqualTo(25.0);
        assertThat(even.minMs()).isEqualTo(10.0);
        assertThat(even.maxMs()).isEqualTo(40.0);
        assertThat(new CliTimings(command("c", null)).medianMs()).isNaN();
    }

    @Test
    void shouldJudgeEachCaravanCommandByItsMedianAgainstTheTarget() throws Exception {
        CliTimings ref = timings(command("redis-cli ping", null), 5, 5, 5);
        CliTimings fast = timings(command("caravan ps", "redis-cli ping"), 400, 450, 2000);
        CliTimings slow = timings(command("caravan --help", "redis-cli ping"), 480, 520, 530);
        CliBenchReport report = new CliBenchReport(List.of(fast, slow, ref));

        assertThat(report.allTargetsMet()).isFalse();
        assertThat(report.table()).contains("90.0x redis-cli ping", "met", "MISSED", "(reference)");
        Path file = dir.resolve("out/cli.json");
        report.writeJson(file, 3, "/x/caravan", Map.of("cores", 2));
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.path("schema").asText()).isEqualTo("caravan.bench.cli/1");
        assertThat(json.path("allTargetsMet").asBoolean()).isFalse();
        assertThat(json.path("results").get(0).path("met").asBoolean()).isTrue();
        assertThat(json.path("results").get(0).path("ratio").asDouble()).isEqualTo(90.0);
        assertThat(json.path("results").get(1).path("met").asBoolean()).isFalse();
        assertThat(json.path("results").get(2).path("reference").isNull()).isTrue();
        assertThat(new CliBenchReport(List.of(fast, ref)).allTargetsMet()).isTrue();
    }

    @Test
    void shouldTimeARunAndRefuseOneThatFailsItsCheck() throws Exception {
        TimedCommand echo = new TimedCommand("echo", List.of("sh", "-c", "echo hello; echo oops >&2"), 0,
                o -> o.out().equals("hello\n") && o.errLines().equals(List.of("oops")), "hello and oops", null);
        assertThat(echo.runOnce(dir, 1)).isPositive();

        TimedCommand withToken = new TimedCommand("token", List.of("sh", "-c", "echo \"$CARAVAN_TOKEN\""), 0,
                o -> o.out().equals("s3cret\n"), "the token", null, Map.of("CARAVAN_TOKEN", "s3cret"));
        assertThat(withToken.runOnce(dir, 1)).as("its environment reaches the command").isPositive();

        TimedCommand wrongExit = new TimedCommand("false", List.of("false"), 0, o -> true, "anything", null);
        assertThatThrownBy(() -> wrongExit.runOnce(dir, 1)).isInstanceOf(CaravanException.class)
                .hasMessageContaining("'false' exited 1 (expected 0");
        TimedCommand wrongOutput = new TimedCommand("quiet", List.of("sh", "-c", "echo nope >&2"), 0,
                o -> o.errLines().isEmpty(), "nothing on stderr", null);
        assertThatThrownBy(() -> wrongOutput.runOnce(dir, 1)).isInstanceOf(CaravanException.class)
                .hasMessageContaining("nothing on stderr").hasMessageContaining("stderr: nope");
    }
}
