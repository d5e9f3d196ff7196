package dev.caravan.node.balance;

import dev.caravan.wire.node.LoadReport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The balancing decisions on made-up loads (rate metric: load = ratePermille / 1000). */
class BalancePolicyTest {
    private final BalancePolicy policy = new BalancePolicy(new BalanceSettings(BalanceMode.BOTH, LoadMetric.RATE, 0.8, 0.3, 3,
            1000, 30_000, 1000));

    static LoadReport node(String id, int loadPermille) {
        return new LoadReport(id, true, "both", -1, 0, loadPermille, loadPermille, 1, false, 0, 0);
    }

    @Test
    void shouldPushNothingBetweenTheThresholds() {
        var d = policy.push(0.8, List.of(new ProcessLoad("a", 0.4)), List.of(node("n2", 0)));
        assertThat(d).isInstanceOf(BalancePolicy.Stay.class);
        assertThat(((BalancePolicy.Stay) d).why()).contains("not above the high threshold 80%");
    }

    @Test
    void shouldPushTheBusiestProcessThatFitsToTheLeastLoadedIdleNode() {
        var d = policy.push(1.0, List.of(new ProcessLoad("small", 0.1), new ProcessLoad("mid", 0.3), new ProcessLoad("huge", 0.6)),
                List.of(node("n2", 200), node("n3", 100), node("n4", 500)));
        // mid: 0.1 + 0.3 = 0.4 <= 1.0 - 0.3 = 0.7; huge would leave n3 at 0.7 > 0.4 left here.
        assertThat(d).isEqualTo(new BalancePolicy.Move("mid", "n3", 1.0, 0.1, 0.3));
    }

    @Test
    void shouldNotPushToANodeThatIsNotIdleOrIsMigratingOrCordoned() {
        LoadReport migrating = new LoadReport("n2", true, "both", -1, 0, 0, 0, 0, true, 0, 0);
        LoadReport cordoned = new LoadReport("n3", false, "both", -1, 0, 0, 0, 0, false, 0, 0);
        var d = policy.push(1.0, List.of(new ProcessLoad("a", 0.2)), List.of(migrating, cordoned, node("n4", 300)));
        assertThat(d).isInstanceOf(BalancePolicy.Stay.class);
        assertThat(((BalancePolicy.Stay) d).why()).contains("none of the 3 probed node(s) is below the low threshold 30%");
    }

    @Test
    void shouldRefuseAMoveThatWouldLeaveTheReceiverAboveTheSender() {
        // One process carries all the load: moving it only swaps which node is loaded.
        var d = policy.choose(0.9, "n2", 0.0, List.of(new ProcessLoad("all", 0.9)));
        assertThat(d).isInstanceOf(BalancePolicy.Stay.class);
        assertThat(((BalancePolicy.Stay) d).why()).contains("would gain");
    }

    @Test
    void shouldRefuseAMoveThatWouldOverloadTheReceiver() {
        // 0.25 + 0.6 = 0.85 > high 0.8, although it would still end below the sender (3.0 - 0.6).
        var d = policy.choose(3.0, "n2", 0.25, List.of(new ProcessLoad("p", 0.6)));
        assertThat(d).isInstanceOf(BalancePolicy.Stay.class);
        var ok = policy.choose(3.0, "n2", 0.25, List.of(new ProcessLoad("p", 0.6), new ProcessLoad("q", 0.5)));
        assertThat(ok).isEqualTo(new BalancePolicy.Move("q", "n2", 3.0, 0.25, 0.5));
    }

    @Test
    void shouldNeverMoveAProcessWithNoLoad() {
        assertThat(policy.choose(1.0, "n2", 0.0, List.of(new ProcessLoad("idle", 0.0)))).isInstanceOf(BalancePolicy.Stay.class);
    }

    @Test
    void shouldPullFromTheMostLoadedProbedNodeAboveHighOnlyWhenIdle() {
        List<LoadReport> probed = List.of(node("n1", 900), node("n2", 1500), node("n3", 700));
        assertThat(policy.pullFrom(0.1, probed)).map(LoadReport::nodeId).contains("n2");
        assertThat(policy.pullFrom(0.3, probed)).isEmpty();
        assertThat(policy.pullFrom(0.1, List.of(node("n3", 800)))).isEmpty();
    }

    @Test
    void shouldAnswerAPullOnlyWhenOverloadedAndTheRequesterIdle() {
        List<ProcessLoad> ps = List.of(new ProcessLoad("a", 0.2), new ProcessLoad("b", 0.3));
        assertThat(policy.onPull(0.7, "n2", 0.0, ps)).isInstanceOf(BalancePolicy.Stay.class);
        assertThat(policy.onPull(1.0, "n2", 0.5, ps)).isInstanceOf(BalancePolicy.Stay.class);
        assertThat(policy.onPull(1.0, "n2", 0.0, ps)).isEqualTo(new BalancePolicy.Move("b", "n2", 1.0, 0.0, 0.3));
    }

    @Test
    void shouldRejectThresholdsWithoutAGapAndBadValues() {
        assertThatThrownBy(() -> new BalanceSettings(BalanceMode.PUSH, LoadMetric.CPU, 0.5, 0.5, 3, 1000, 0, 1))
                .hasMessageContaining("--balance-low must be above 0 and below --balance-high");
        assertThatThrownBy(() -> new BalanceSettings(BalanceMode.PUSH, LoadMetric.CPU, 0.8, 0.3, 0, 1000, 0, 1))
                .hasMessageContaining("--balance-probes must be 1..32");
        assertThatThrownBy(() -> BalanceMode.parse("sideways")).hasMessageContaining("off, push, pull or both");
        assertThatThrownBy(() -> LoadMetric.parse("disk")).hasMessageContaining("cpu, memory or rate");
    }
}
