package dev.caravan.switching.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LeastConnectionsPolicyTest {
    /** A ticket on a backend that ends at step {@code endsAt}. */
    private record Held(FakeCandidate on, int endsAt) {
    }

    @Test
    void shouldSendMostToTheBackendThatFinishesFastestAndKeepLoadsLevel() {
        Policy policy = Policies.create(PolicyKind.LEAST_CONNECTIONS);
        List<FakeCandidate> set = FakeCandidate.named("fast", "medium", "slow");
        Map<String, Integer> lifetime = Map.of("fast", 1, "medium", 4, "slow", 12);
        List<Held> held = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        for (int step = 0; step < 10_000; step++) {
            int now = step;
            held.removeIf(h -> {
                if (h.endsAt() <= now) {
                    h.on().active--;
                    return true;
                }
                return false;
            });
            // Two arrivals per step, so that work piles up on the slow backends.
            for (int k = 0; k < 2; k++) {
                int least = set.stream().mapToInt(FakeCandidate::active).min().orElseThrow();
                FakeCandidate chosen = (FakeCandidate) policy.choose(set, DispatchKey.NONE);
                assertThat(chosen.active).as("chose one of the least loaded").isEqualTo(least);
                chosen.active++;
                held.add(new Held(chosen, step + lifetime.get(chosen.id())));
                counts.merge(chosen.id(), 1, Integer::sum);
            }
        }
        assertThat(counts.get("fast")).isGreaterThan(counts.get("medium"));
        assertThat(counts.get("medium")).isGreaterThan(counts.get("slow"));
        assertThat(counts.get("fast")).isGreaterThan(10_000);
    }

    @Test
    void shouldBreakTiesRoundRobin() {
        Policy policy = Policies.create(PolicyKind.LEAST_CONNECTIONS);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 9_999; i++) {
            counts.merge(policy.choose(set, DispatchKey.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts).containsOnly(Map.entry("a", 3333), Map.entry("b", 3333), Map.entry("c", 3333));
    }

    @Test
    void shouldWeighLoadByWeight() {
        Policy policy = Policies.create(PolicyKind.LEAST_CONNECTIONS);
        List<FakeCandidate> set = FakeCandidate.named("big", "small");
        set.get(0).weight = 4;
        set.get(0).active = 6; // (6+1)/4 < (1+1)/1
        set.get(1).active = 1;
        assertThat(policy.choose(set, DispatchKey.NONE).id()).isEqualTo("big");
    }
}
