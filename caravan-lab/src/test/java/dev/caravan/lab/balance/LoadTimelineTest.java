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

    @Test
    void shouldReadProbeCountsAndLoadsAtATime() {
        t.add(-500, Map.of("n1", 1.0, "n2", 0.0), Map.of("a", "n1"), new LoadTimeline.Probes(10, 4));
        t.add(0, Map.of("n1", 0.9, "n2", 0.1), Map.of("a", "n1"), new LoadTimeline.Probes(12, 5));
        t.add(500, Map.of("n1", 0.5, "n2", 0.5), Map.of("a", "n2"), new LoadTimeline.Probes(20, 6));

        assertThat(t.probesAt(-1000)).isEqualTo(new LoadTimeline.Probes(0, 0));
        assertThat(t.probesAt(499).minus(t.probesAt(-500))).isEqualTo(new LoadTimeline.Probes(2, 1));
        assertThat(t.probesAt(500).minus(t.probesAt(0)).wasted()).isEqualTo(7);
        assertThat(t.loadsAt(0)).containsEntry("n1", 0.9);
        assertThat(t.meanLoads(-500, 500)).containsEntry("n1", 0.95).containsEntry("n2", 0.05);
        assertThat(t.lastPlacement()).containsEntry("a", "n2");
    }

    private static BalanceRun run(String mode, String level, long convergeMs, int moves, long probes, long wasted) {
        return new BalanceRun(mode, level, 1, List.of(1.08, 0.18), moves, 0,
                convergeMs < 0 ? BalanceRun.Convergence.NOT_SETTLED : BalanceRun.Convergence.CONVERGED, convergeMs, probes, wasted,
                1.5, 0.7, 1, 2, 1, 2, 0, "x.png");
    }

    @Test
    void shouldJudgeTheClassicResultOnMeasuredProbesAndTime() {
        // Probes follow the classic result; time does not at high load (push converged sooner).
        List<String> v = BalanceComparison.verdict(List.of(run("push", "low", 2000, 2, 2, 0), run("pull", "low", 4000, 2, 9, 7),
                run("push", "high", 3000, 3, 10, 7), run("pull", "high", 5000, 3, 3, 0)));
        assertThat(v).anyMatch(l -> l.equals("Probes per migration: low load push 1.0, pull 4.5 (push better); high load push 3.3, "
                + "pull 1.0 (pull better)."));
        assertThat(v).anyMatch(l -> l.contains("holds here; on time to converge it does not."));
        assertThat(v).anyMatch(l -> l.startsWith("Why time does not follow the probes: at high load") && !l.contains("at low load"));
        assertThat(v).anyMatch(l -> l.contains("(0 % of push probes wasted)") && l.contains("(78 % of pull probes wasted)"));

        // Both measures the other way round: it does not hold on either.
        v = BalanceComparison.verdict(List.of(run("push", "low", 4000, 2, 8, 6), run("pull", "low", 2000, 2, 2, 0),
                run("push", "high", 2000, 3, 3, 0), run("pull", "high", -1, 1, 9, 6)));
        assertThat(v).anyMatch(l -> l.contains("does not hold here; on time to converge it does not."));
        assertThat(v).contains("Time to converge: low load push 4.0, pull 2.0 (pull better); high load push 2.0, pull did not "
                + "converge (push better).");
        assertThat(v).anyMatch(l -> l.startsWith("Why time does not follow the probes: at high load") && l.contains("at low load"));

        // Within a sampling period is a tie, and a run without a move is the worst by probes.
        assertThat(BalanceComparison.byTime(List.of(run("push", "low", 2000, 2, 2, 0), run("pull", "low", 2400, 2, 2, 0)), "low"))
                .contains("tie");
        assertThat(BalanceComparison.byProbes(List.of(run("push", "low", -1, 0, 0, 0), run("pull", "low", 2400, 2, 9, 7)), "low"))
                .contains("pull");
    }

    @Test
    void shouldSayWhenTheComparisonIsIncomplete() {
        assertThat(BalanceComparison.verdict(List.of(run("push", "low", 2000, 2, 2, 0)))).first().asString()
                .startsWith("The classic comparison needs push and pull at both low and high load");
        assertThat(BalanceComparison.table(List.of(run("both", "low", -1, 0, 5, 5))).render())
                .contains("did not converge", "1.08/0.18");
    }
}
