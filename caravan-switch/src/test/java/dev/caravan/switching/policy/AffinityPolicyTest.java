package dev.caravan.switching.policy;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AffinityPolicyTest {
    private static final int KEYS = 10_000;

    @Test
    void shouldKeepEveryKeyWhileTheSetIsStableAndSpreadThem() {
        Policy policy = Policies.create(PolicyKind.AFFINITY);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c", "d", "e");
        Map<String, String> first = place(policy, set);
        for (FakeCandidate c : set) {
            c.active = c.id().hashCode() % 7; // load and weight do not move sessions
            c.weight = 3;
        }
        assertThat(place(policy, set)).isEqualTo(first);
        Map<String, Integer> perBackend = new HashMap<>();
        first.values().forEach(id -> perBackend.merge(id, 1, Integer::sum));
        assertThat(perBackend.values()).allSatisfy(n -> assertThat(n).isBetween(KEYS / 5 - 300, KEYS / 5 + 300));
    }

    @Test
    void shouldMoveOnlyTheDepartedBackendsKeys() {
        Policy policy = Policies.create(PolicyKind.AFFINITY);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c", "d", "e");
        Map<String, String> before = place(policy, set);
        List<FakeCandidate> without = new ArrayList<>(set);
        without.remove(2);
        Map<String, String> after = place(policy, without);
        for (String key : before.keySet()) {
            if (before.get(key).equals("c")) {
                assertThat(after.get(key)).isNotEqualTo("c");
            } else {
                assertThat(after.get(key)).as(key).isEqualTo(before.get(key));
            }
        }
        // and when it comes back, exactly its old keys return to it
        assertThat(place(policy, set)).isEqualTo(before);
    }

    @Test
    void shouldStickByClientAddressWithoutAKeyAndFallBackToRoundRobinWithNeither() throws Exception {
        Policy policy = Policies.create(PolicyKind.AFFINITY);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c");
        DispatchKey client = new DispatchKey(InetAddress.getByName("10.1.2.3"), null, null);
        Candidate home = policy.choose(set, client);
        for (int i = 0; i < 100; i++) {
            assertThat(policy.choose(set, client)).isSameAs(home);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            counts.merge(policy.choose(set, DispatchKey.NONE).id(), 1, Integer::sum);
        }
        assertThat(counts).containsOnly(Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100));
    }

    private static Map<String, String> place(Policy policy, List<FakeCandidate> set) {
        Map<String, String> placed = new HashMap<>();
        for (int i = 0; i < KEYS; i++) {
            String key = "session-" + i;
            placed.put(key, policy.choose(set, new DispatchKey(null, key, null)).id());
        }
        return placed;
    }
}
