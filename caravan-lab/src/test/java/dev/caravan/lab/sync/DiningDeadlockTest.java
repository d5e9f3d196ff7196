package dev.caravan.lab.sync;

import dev.caravan.core.time.Clock;
import dev.caravan.lab.sync.dining.AsymmetricTable;
import dev.caravan.lab.sync.dining.BothOrNoneTable;
import dev.caravan.lab.sync.dining.DiningRun;
import dev.caravan.lab.sync.dining.DiningTable;
import dev.caravan.lab.sync.dining.SeatLimitTable;
import dev.caravan.lab.sync.problems.DiningProblem;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Real threads: the naive table deadlocks and the JVM finds it; the remedies keep everyone eating. */
class DiningDeadlockTest {
    private final DiningRun run = new DiningRun(Clock.system());

    @Test
    void shouldDetectNaiveDeadlockWithThreadMxBeanAndRecoverByInterrupting() {
        DiningRun.Outcome o = run.run(DiningProblem.forcedDeadlockTable(5), 10_000_000_000L, 1_000, 0);

        assertThat(o.deadlocked()).isTrue();
        assertThat(o.cycle()).hasSize(5).allMatch(e -> e.contains("waits for") && e.contains("held by philosopher-"));
        assertThat(o.recovered()).as("every philosopher left after the interrupt").isTrue();
    }

    @Test
    void shouldNeverDeadlockWithAnyRemedy() {
        for (DiningTable t : List.of(new SeatLimitTable(5), new BothOrNoneTable(5), new AsymmetricTable(5))) {
            // Bounded by time only as a backstop: it ends once everyone has eaten, however loaded the machine.
            DiningRun.Outcome o = run.run(t, 60_000_000_000L, 1_000, 0, true);

            assertThat(o.deadlocked()).as(t.name()).isFalse();
            assertThat(o.recovered()).as(t.name()).isTrue();
            assertThat(Arrays.stream(o.meals()).min().orElseThrow()).as(t.name() + " meals " + Arrays.toString(o.meals()))
                    .isPositive();
        }
    }
}
