package dev.caravan.node.balance;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Balancers of simulated nodes on a manual clock: probe limit, one in flight, cooldown, pull, convergence. */
class BalancerTest {
    private static final long PERIOD_MS = 1000;
    private static final long COOLDOWN_MS = 30_000;

    private static BalanceSettings settings(BalanceMode mode, int probes) {
        // Rate metric, capacity 1000 commands/s: a process serving 100/s is 10 % of a node.
        return new BalanceSettings(mode, LoadMetric.RATE, 0.8, 0.3, probes, PERIOD_MS, COOLDOWN_MS, 1000);
    }

    private static SimulatedCluster unbalanced(BalanceMode mode, int probes, String... nodes) {
        SimulatedCluster c = new SimulatedCluster(settings(mode, probes), nodes);
        for (int i = 1; i <= 8; i++) {
            c.place(nodes[0], "p" + i, 200);
        }
        return c;
    }

    @Test
    void shouldProbeAtMostTheProbeLimitAndCountEachProbeWasted() {
        SimulatedCluster c = unbalanced(BalanceMode.PUSH, 2, "n1", "n2", "n3", "n4", "n5", "n6");
        for (String n : List.of("n2", "n3", "n4", "n5", "n6")) {
            c.place(n, "busy-" + n, 600); // 60 %: between the thresholds, no receiver
        }
        // The peers measure their load first (n1 sits out two periods).
        c.down.add("n1");
        c.period(PERIOD_MS);
        c.period(PERIOD_MS);
        c.down.remove("n1");
        c.period(PERIOD_MS);
        c.period(PERIOD_MS);
        // n1's first period has no rates yet; its second is overloaded: two probes, both wasted.
        assertThat(c.probesBy.get("n1")).isEqualTo(2);
        assertThat(c.balancers.get("n1").lastReport().probesSent()).isEqualTo(2);
        assertThat(c.balancers.get("n1").lastReport().probesFound()).isZero();
        assertThat(c.moves).isEmpty();
    }

    @Test
    void shouldStopProbingAtTheFirstPartnerAndCountIt() {
        SimulatedCluster c = unbalanced(BalanceMode.PUSH, 3, "n1", "n2", "n3", "n4", "n5", "n6");
        c.slowMigrations.add("n1");
        c.period(PERIOD_MS);
        c.period(PERIOD_MS);
        // Every peer is idle: the first probe finds one.
        assertThat(c.probesBy.get("n1")).isEqualTo(1);
        assertThat(c.balancers.get("n1").probesFound()).isEqualTo(1);
        assertThat(c.pendingCommits).hasSize(1);
        // A mode change starts the balancer afresh but keeps its running counts.
        c.balancers.get("n1").setMode(BalanceMode.BOTH);
        assertThat(c.balancers.get("n1").lastReport().probesSent()).isEqualTo(1);
    }

    /**
     * The classic argument, on simulated nodes with one probe per decision: with one node loaded and
     * the others idle, a sender's probe always finds a receiver while idle receivers' probes mostly
     * find nobody; with all nodes but one loaded it is the other way round.
     */
    @Test
    void shouldWasteSendersProbesAtHighLoadAndReceiversProbesAtLowLoad() {
        Map<String, Double> wastedPerMove = new HashMap<>();
        for (String level : List.of("low", "high")) {
            for (BalanceMode mode : List.of(BalanceMode.PUSH, BalanceMode.PULL)) {
                // The lab's thresholds: an idle node takes up to two 18 % processes and stays idle.
                SimulatedCluster c = new SimulatedCluster(new BalanceSettings(BalanceMode.OFF, LoadMetric.RATE, 0.8, 0.5, 1,
                        PERIOD_MS, COOLDOWN_MS, 1000), "n1", "n2", "n3", "n4");
                List<String> loaded = level.equals("low") ? List.of("n1") : List.of("n1", "n2", "n3");
                for (String n : c.placement.keySet()) {
                    int processes = loaded.contains(n) ? 5 : level.equals("low") ? 1 : 0;
                    for (int i = 0; i < processes; i++) {
                        c.place(n, n + "-p" + i, 180); // 18 % each: 90 % loaded, 18 % idle
                    }
                }
                // Every node measures its load before balancing starts.
                c.period(PERIOD_MS);
                c.period(PERIOD_MS);
                c.balancers.values().forEach(b -> b.setMode(mode));
                for (int i = 0; i < 40; i++) {
                    c.period(PERIOD_MS);
                }
                long sent = c.balancers.values().stream().mapToLong(Balancer::probesSent).sum();
                long found = c.balancers.values().stream().mapToLong(Balancer::probesFound).sum();
                assertThat(c.moves).as(level + " " + mode).isNotEmpty();
                for (String n : loaded) {
                    assertThat(c.rateOf(n)).as(level + " " + mode + " " + n + " " + c.moves).isLessThanOrEqualTo(800);
                }
                wastedPerMove.put(level + " " + mode, (double) (sent - found) / c.moves.size());
            }
        }
        assertThat(wastedPerMove.get("low PUSH")).as(wastedPerMove.toString()).isLessThan(wastedPerMove.get("low PULL"));
        assertThat(wastedPerMove.get("high PULL")).as(wastedPerMove.toString()).isLessThan(wastedPerMove.get("high PUSH"));
    }

    @Test
    void shouldKeepAtMostOneBalancingMigrationInFlight() {
        SimulatedCluster c = unbalanced(BalanceMode.PUSH, 3, "n1", "n2", "n3", "n4");
        c.slowMigrations.add("n1");
        for (int i = 0; i < 5; i++) {
            c.period(PERIOD_MS);
        }
        assertThat(c.pendingCommits).hasSize(1);
        assertThat(c.balancers.get("n1").lastReport().migrating()).isTrue();
        // A pull while the push is in flight is refused, not a second migration.
        var reply = c.balancers.get("n1").onPull(new dev.caravan.wire.node.PullRequest("n3", "rate", 0));
        assertThat(reply.accepted()).isFalse();
        assertThat(reply.detail()).contains("already has a balancing migration in flight");
        c.pendingCommits.removeFirst().run();
        c.period(PERIOD_MS);
        // After the commit it measures again (two quiet periods) before the next move.
        c.period(PERIOD_MS);
        assertThat(c.pendingCommits).isEmpty();
        c.period(PERIOD_MS);
        assertThat(c.pendingCommits).hasSize(1);
    }

    @Test
    void shouldNotMoveAProcessAgainWithinItsCooldown() {
        SimulatedCluster c = new SimulatedCluster(settings(BalanceMode.PUSH, 3), "n1", "n2");
        c.place("n1", "hot", 400);
        c.place("n1", "warm", 100);
        c.place("n1", "cool", 100);
        c.place("n1", "x", 300);
        c.balancers.get("n1").onArrived("hot");
        for (int i = 0; i < 5; i++) {
            c.period(PERIOD_MS);
        }
        // hot (the busiest that fits) arrived just now: x went instead.
        assertThat(c.moves).extracting(SimulatedCluster.Move::process).containsExactly("x");
        assertThat(c.where("hot")).isEqualTo("n1");
    }

    @Test
    void shouldPullFromALoadedNodeWhenIdleAndNotAskTwiceBeforeTheArrival() {
        SimulatedCluster c = unbalanced(BalanceMode.PULL, 3, "n1", "n2");
        c.slowMigrations.add("n1");
        c.period(PERIOD_MS);
        c.period(PERIOD_MS);
        assertThat(c.pendingCommits).hasSize(1);
        assertThat(c.events).anyMatch(e -> e.startsWith("n2 pull ") && e.endsWith("<- n1"));
        assertThat(c.events).anyMatch(e -> e.startsWith("n1 push ") && e.endsWith("-> n2 (pulled)"));
        for (int i = 0; i < 5; i++) {
            c.period(PERIOD_MS);
        }
        assertThat(c.events.stream().filter(e -> e.startsWith("n2 pull "))).hasSize(1);
    }

    @Test
    void shouldAnswerNoPullWhileMeasuringTheLoadItsLastMoveLeft() {
        SimulatedCluster c = unbalanced(BalanceMode.PUSH, 3, "n1", "n2", "n3");
        c.period(PERIOD_MS);
        c.period(PERIOD_MS);
        assertThat(c.moves).hasSize(1);
        c.period(PERIOD_MS);
        var reply = c.balancers.get("n1").onPull(new dev.caravan.wire.node.PullRequest("n3", "rate", 0));
        assertThat(reply.detail()).isEqualTo("node n1 is measuring the load its last move left");
        c.advance(2 * PERIOD_MS);
        assertThat(c.balancers.get("n1").onPull(new dev.caravan.wire.node.PullRequest("n3", "rate", 0)).accepted()).isTrue();
    }

    @Test
    void shouldRefuseAPullWhenOffOrForAnotherMetric() {
        SimulatedCluster c = unbalanced(BalanceMode.OFF, 3, "n1", "n2");
        c.period(PERIOD_MS);
        c.period(PERIOD_MS);
        assertThat(c.moves).isEmpty();
        assertThat(c.balancers.get("n1").onPull(new dev.caravan.wire.node.PullRequest("n2", "rate", 0)).detail())
                .isEqualTo("balancing is off on node n1");
        c.balancers.get("n1").setMode(BalanceMode.PUSH);
        assertThat(c.balancers.get("n1").onPull(new dev.caravan.wire.node.PullRequest("n2", "cpu", 0)).detail())
                .isEqualTo("node n1 balances by rate, not cpu");
    }

    @Test
    void shouldSkipANodeThatDoesNotAnswerItsProbe() {
        SimulatedCluster c = unbalanced(BalanceMode.PUSH, 3, "n1", "n2", "n3");
        c.down.add("n2");
        for (int i = 0; i < 4; i++) {
            c.period(PERIOD_MS);
        }
        assertThat(c.moves).isNotEmpty().allMatch(m -> m.to().equals("n3"));
    }

    @Test
    void shouldConvergeWithoutPingPongInEveryMode() {
        for (BalanceMode mode : List.of(BalanceMode.PUSH, BalanceMode.PULL, BalanceMode.BOTH)) {
            SimulatedCluster c = unbalanced(mode, 3, "n1", "n2", "n3", "n4");
            for (int i = 0; i < 120; i++) {
                c.period(PERIOD_MS);
            }
            // 8 × 200/s = 1600/s = 160 % of one node: spread, no node stays above the high threshold.
            for (String n : c.placement.keySet()) {
                assertThat(c.rateOf(n)).as(mode + ": load of " + n + " " + c.placement).isLessThanOrEqualTo(800);
            }
            assertThat(c.moves).as(mode + " moves").isNotEmpty();
            Map<String, Long> lastMoved = new HashMap<>();
            for (SimulatedCluster.Move m : c.moves) {
                Long before = lastMoved.put(m.process(), m.atMs());
                assertThat(before == null || m.atMs() - before >= COOLDOWN_MS).as(mode + ": " + m + " moved again within the cooldown")
                        .isTrue();
            }
            // Balanced, it stops: nothing moves in the last minute.
            long end = c.clock.nowMs();
            assertThat(c.moves).as(mode + " still moving").allMatch(m -> m.atMs() < end - 60_000);
        }
    }
}
