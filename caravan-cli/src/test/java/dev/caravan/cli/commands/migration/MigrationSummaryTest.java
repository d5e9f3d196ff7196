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

/** The final summary and JSON of {@code caravan migrate}: a missed downtime budget is said, never hidden. */
class MigrationSummaryTest {
    private static MigrationReport report(MigrationMode mode, long downtimeMicros, long maxDowntimeMs) {
        return new MigrationReport("kv1", "n1", "n2", mode, MigrationOutcome.COMMITTED, MigrationPhase.DONE, 2, 900,
                downtimeMicros, 45 << 20, 47 << 20, 30, PreCopyStop.MAX_ROUNDS, maxDowntimeMs, 0, 800, 0, 0, 0,
                MigrationReport.FaultStats.NONE, new MigrationReport.SwitchOverTimes(300, 400_000, 100, 5000, 6000),
                MigrationReport.DestinationCosts.NONE, "");
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
}
