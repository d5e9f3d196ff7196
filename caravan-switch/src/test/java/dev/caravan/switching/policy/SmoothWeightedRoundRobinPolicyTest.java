package dev.caravan.switching.policy;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SmoothWeightedRoundRobinPolicyTest {
    @Test
    void shouldInterleaveLikeNginxAndNeverBurst() {
        Policy policy = Policies.create(PolicyKind.WEIGHTED_ROUND_ROBIN);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c");
        set.get(0).weight = 5;
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            order.append(policy.choose(set, DispatchKey.NONE).id());
        }
        assertThat(order.toString()).isEqualTo("aabacaa"); // nginx's own example for {5, 1, 1}
    }

    @Test
    void shouldGiveExactProportionsInEveryWindowOver10kPicks() {
        Policy policy = Policies.create(PolicyKind.WEIGHTED_ROUND_ROBIN);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c", "d");
        int[] weights = {4, 3, 2, 1};
        for (int i = 0; i < 4; i++) {
            set.get(i).weight = weights[i];
        }
        Map<String, Integer> total = new HashMap<>();
        Map<String, Integer> window = new HashMap<>();
        String last = "";
        int run = 0;
        int longestRun = 0;
        for (int i = 1; i <= 10_000; i++) {
            String id = policy.choose(set, DispatchKey.NONE).id();
            total.merge(id, 1, Integer::sum);
            window.merge(id, 1, Integer::sum);
            run = id.equals(last) ? run + 1 : 1;
            longestRun = Math.max(longestRun, run);
            last = id;
            if (i % 10 == 0) {
                assertThat(window).containsOnly(Map.entry("a", 4), Map.entry("b", 3), Map.entry("c", 2), Map.entry("d", 1));
                window.clear();
            }
        }
        assertThat(total).containsOnly(Map.entry("a", 4000), Map.entry("b", 3000), Map.entry("c", 2000), Map.entry("d", 1000));
        assertThat(longestRun).as("never a burst: naive weighted round robin would give a run of 4").isLessThanOrEqualTo(2);
    }

    @Test
    void shouldFollowAWeightChangeAtOnce() {
        Policy policy = Policies.create(PolicyKind.WEIGHTED_ROUND_ROBIN);
        List<FakeCandidate> set = FakeCandidate.named("a", "b");
        for (int i = 0; i < 101; i++) {
            policy.choose(set, DispatchKey.NONE);
        }
        set.get(1).weight = 3;
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(policy.choose(set, DispatchKey.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts.get("b")).isBetween(2999, 3001);
    }
}
