package dev.caravan.switching.policy;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RoundRobinPolicyTest {
    @Test
    void shouldGiveEachBackendExactlyItsTurnOver10kPicks() {
        Policy policy = Policies.create(PolicyKind.ROUND_ROBIN);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c", "d");
        set.get(0).weight = 9; // ignored by plain round robin
        Map<String, Integer> counts = new HashMap<>();
        Candidate previous = null;
        for (int i = 0; i < 10_000; i++) {
            Candidate c = policy.choose(set, DispatchKey.NONE);
            assertThat(c).isNotSameAs(previous);
            assertThat(c).isSameAs(set.get(i % 4));
            counts.merge(c.id(), 1, Integer::sum);
            previous = c;
        }
        assertThat(counts).containsOnly(Map.entry("a", 2500), Map.entry("b", 2500), Map.entry("c", 2500), Map.entry("d", 2500));
    }
}
