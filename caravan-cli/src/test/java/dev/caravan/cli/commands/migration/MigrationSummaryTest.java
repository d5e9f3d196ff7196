package dev.caravan.cli.commands.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.PreCopyStop;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The final summary and JSON of {@code caravan migrate}: a missed downtime budget is said, never hidden. */
class MigrationSummaryTest {
    private static final MigrationReport.SwitchOverTimes TIMES = new MigrationReport.SwitchOverTimes(300, 400_000, 100, 5000, 6000);

    private static MigrationReport report(MigrationMode mode, long downtimeMicros, long maxDowntimeMs) {
        return report(mode, downtimeMicros, maxDowntimeMs, PreCopyStop.MAX_ROUNDS, "");
    }

    private static MigrationReport report(MigrationMode mode, long downtimeMicros, long maxDowntimeMs, PreCopyStop stop,
                                          String detail) {
        return new MigrationReport("kv1", "n1", "n2", mode, MigrationOutcome.COMMITTED, MigrationPhase.DONE, 2, 900,
                downtimeMicros, 45 << 20, 47 << 20, 30, stop, maxDowntimeMs, 0, 800, 0, 0, 0,
                MigrationReport.FaultStats.NONE, TIMES, MigrationReport.DestinationCosts.NONE, detail);
    }

    /** The detail a source sends (SourceSession): its own notes, why the rounds stopped, the switch-over times. */
    private static String sourceDetail(String note, PreCopyStop stop) {
        return note + "; pre-copy stopped: " + stop.reason() + "; " + TIMES;
    }

    @Test
    void shouldShowTheLinkThroughputAsBytesSentOverTotalTime() throws Exception {
        MigrationReport r = report(MigrationMode.PRE_COPY, 20_000, 50);

        // 47 MiB in 900 ms = 54.8 MB/s
        assertThat(MigrateCommand.summary(r)).contains("sent 47.0 MiB for 45.0 MiB of state (x1.044), 54.8 MB/s (sent ÷ total time)");
        assertThat(new ObjectMapper().readTree(MigrateCommand.json(r)).get("throughputBytesPerSec").asDouble())
                .isCloseTo((47 << 20) / 0.9, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void shouldSayOnceThatTheRoundsStoppedOnAnEstimateWhenTheBudgetWasMissedAnyway() {
        MigrationReport r = report(MigrationMode.PRE_COPY, 68_700, 1, PreCopyStop.WITHIN_BUDGET,
                sourceDetail("throttled to 20%", PreCopyStop.WITHIN_BUDGET));

        String summary = MigrateCommand.summary(r);

        assertThat(summary).contains("downtime 68.7 ms — over the 1 ms budget: the rounds stopped when what was left was "
                + "estimated to fit the downtime budget; the switch-over took 411.4 ms (freeze 0.3, last pages 400.0, "
                + "resources 0.1, state 5.0, commit 6.0 ms)");
        assertThat(summary).as("the source's own note is kept").contains("\n  throttled to 20%");
        assertThat(summary).doesNotContain("pre-copy stopped", "switch-over ms", "fit the downtime budget and", "frozen anyway");
        assertThat(summary.split("freeze 0.3", -1)).as("the switch-over said once").hasSize(2);
        assertThat(summary.split("fit the downtime budget", -1)).as("the stop said once").hasSize(2);
    }

    @Test
    void shouldSayWhyTheRoundsStoppedAndTheSwitchOverOnceWithinTheBudget() {
        MigrationReport r = report(MigrationMode.PRE_COPY, 20_000, 50, PreCopyStop.WITHIN_BUDGET,
                sourceDetail("", PreCopyStop.WITHIN_BUDGET).substring(2));

        String summary = MigrateCommand.summary(r);

        assertThat(summary).endsWith("\n  the rounds stopped when what was left was estimated to fit the downtime budget"
                + "\n  the switch-over took 411.4 ms (freeze 0.3, last pages 400.0, resources 0.1, state 5.0, commit 6.0 ms)");
        assertThat(summary).doesNotContain("over the", "pre-copy stopped");
    }

    @Test
    void shouldFlagAPreCopyDowntimeOverItsBudget() throws Exception {
        MigrationReport r = report(MigrationMode.PRE_COPY, 412_000, 300);

        assertThat(MigrateCommand.summary(r)).contains("downtime 412.0 ms — over the 300 ms budget")
                .contains("the round limit was reached and the process was frozen anyway");
        JsonNode json = new ObjectMapper().readTree(MigrateCommand.json(r));
        assertThat(json.get("downtimeBudgetMissed").asBoolean()).isTrue();
        assertThat(json.get("maxDowntimeMs").asLong()).isEqualTo(300);
        assertThat(json.get("mode").asText()).isEqualTo("pre-copy");
    }

    @Test
    void shouldNotFlagADowntimeWithinTheBudgetOrAModeWithoutOne() throws Exception {
        MigrationReport within = report(MigrationMode.PRE_COPY, 299_000, 300);
        MigrationReport hybrid = report(MigrationMode.HYBRID, 412_000, 0);

        assertThat(MigrateCommand.summary(within)).doesNotContain("budget");
        assertThat(new ObjectMapper().readTree(MigrateCommand.json(within)).get("downtimeBudgetMissed").asBoolean()).isFalse();
        assertThat(MigrateCommand.summary(hybrid)).doesNotContain("budget");
        assertThat(new ObjectMapper().readTree(MigrateCommand.json(hybrid)).get("downtimeBudgetMissed").asBoolean()).isFalse();
    }

    @Test
    void shouldTakeTheDowntimeBudgetWithAUnitOrAsBareMilliseconds() {
        assertThat(maxDowntimeMs("--max-downtime", "1ms")).isEqualTo(1);
        assertThat(maxDowntimeMs("--max-downtime", "0.2s")).isEqualTo(200);
        assertThat(maxDowntimeMs("--max-downtime", "7")).isEqualTo(7);
        assertThat(maxDowntimeMs()).as("the default").isEqualTo(50);
        assertThat(maxDowntimeMs("--max-downtime", "1m")).as("minutes, as every duration option takes them").isEqualTo(60_000);
        assertThatThrownBy(() -> maxDowntimeMs("--max-downtime", "1h")).isInstanceOf(picocli.CommandLine.ParameterException.class)
                .hasMessageContaining("'1h' is not a duration");
        assertThat(new picocli.CommandLine(new MigrateCommand()).getUsageMessage()).contains("50ms, 0.5s");
    }

    private static long maxDowntimeMs(String... options) {
        MigrateCommand c = new MigrateCommand();
        String[] args = java.util.stream.Stream.concat(java.util.stream.Stream.of("kv1", "--to", "n2"),
                java.util.Arrays.stream(options)).toArray(String[]::new);
        new picocli.CommandLine(c).parseArgs(args);
        return c.maxDowntimeMs;
    }
}
