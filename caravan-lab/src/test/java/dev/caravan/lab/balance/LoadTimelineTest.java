package dev.caravan.lab.balance;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Moves, ping-pong and convergence read from made-up samples; the verdict on made-up runs. */
class LoadTimelineTest {
    private final LoadTimeline t = new LoadTimeline(List.of("n1", "n2"));

    @Test
    void shouldReadMovesAndPingPongFromPlacementChanges() {
        t.add(0, Map.of("n1", 1.0, "n2", 0.0), Map.of("a", "n1", "b", "n1"));
        t.add(500, Map.of("n1", 0.5, "n2", 0.5), Map.of("a", "n2", "b", "n1"));
        t.add(1000, Map.of("n1", 1.0, "n2", 0.0), Map.of("a", "n1", "b", "n1"));
        t.add(40_000, Map.of("n1", 0.5, "n2", 0.5), Map.of("a", "n2", "b", "n1"));

        assertThat(t.moves()).extracting(LoadTimeline.Move::atMs).containsExactly(500L, 1000L, 40_000L);
        // Back to n1 after 0.5 s is a ping-pong; to n2 again 39 s later is not (cooldown 30 s).
        assertThat(t.pingPongs(30_000)).extracting(LoadTimeline.Move::atMs).containsExactly(1000L);
        assertThat(t.convergedAtMs(3000, 50_000)).isEqualTo(40_000);
        assertThat(t.convergedAtMs(3000, 41_000)).isEqualTo(-1);
        assertThat(t.maxLoad(500, 1001)).isEqualTo(1.0);
    }

    @Test
    void shouldNotCallARunWithoutMovesConverged() {
        t.add(0, Map.of("n1", 1.0, "n2", 0.0), Map.of("a", "n1"));
        assertThat(t.convergedAtMs(0, 10_000)).isEqualTo(-1);
    }

    private static BalanceRun run(String mode, String level, long convergeMs) {
        return new BalanceRun(mode, level, 1, 3, 0, convergeMs, 0.7, 1, 2, 1, 2, 0, "x.png");
    }

    @Test
    void shouldSayWhetherTheClassicResultHolds() {
        assertThat(BalanceComparison.verdict(List.of(run("push", "low", 2000), run("pull", "low", 3000),
                run("push", "high", 9000), run("pull", "high", -1)))).anyMatch(l -> l.contains("does not hold here"));
        assertThat(BalanceComparison.verdict(List.of(run("push", "low", 2000), run("pull", "low", 3000),
                run("push", "high", -1), run("pull", "high", 5000)))).anyMatch(l -> l.contains(") holds here"));
        assertThat(BalanceComparison.table(List.of(run("both", "low", -1))).render()).contains("no");
    }
}
