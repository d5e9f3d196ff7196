package dev.caravan.switching.policy;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistentHashPolicyTest {
    @Test
    void shouldPlaceKeysStablyAndMoveOnlyADepartedBackendsKeys() {
        Policy policy = Policies.create(PolicyKind.CONSISTENT_HASH);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c", "d");
        Map<String, String> before = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            before.put("k" + i, policy.choose(set, hashKey("k" + i)).id());
        }
        Map<String, Integer> share = new HashMap<>();
        before.values().forEach(id -> share.merge(id, 1, Integer::sum));
        assertThat(share.values()).allSatisfy(n -> assertThat(n).isBetween(1_800, 3_200));
        List<FakeCandidate> without = new ArrayList<>(set);
        without.remove(1);
        for (Map.Entry<String, String> e : before.entrySet()) {
            String now = policy.choose(without, hashKey(e.getKey())).id();
            if (!e.getValue().equals("b")) {
                assertThat(now).isEqualTo(e.getValue());
            }
        }
    }

    /**
     * A Zipf(1.1) workload over 1,000 keys with 300 requests in flight and random lifetimes: the
     * hottest key alone is ~14% of requests, more than a fifth of the fair share of one of 6
     * backends. No pick ever puts a backend above 1.25 × the average, and the hot key spills.
     */
    @Test
    void shouldNeverExceedTheLoadBoundUnderAZipfWorkloadAndSpillTheHotKey() {
        Policy policy = Policies.create(PolicyKind.CONSISTENT_HASH);
        List<FakeCandidate> set = FakeCandidate.named("a", "b", "c", "d", "e", "f");
        SplittableRandom random = new SplittableRandom(11);
        double[] cumulative = zipf(1_000, 1.1);
        Deque<FakeCandidate> inFlight = new ArrayDeque<>();
        Set<String> hotKeyBackends = new HashSet<>();
        Map<String, String> homeOf = new HashMap<>();
        Policy homes = Policies.create(PolicyKind.CONSISTENT_HASH);
        List<FakeCandidate> idle = FakeCandidate.named("a", "b", "c", "d", "e", "f");
        int coldAtHome = 0;
        int cold = 0;
        for (int i = 0; i < 10_000; i++) {
            while (inFlight.size() >= 300) {
                FakeCandidate done = random.nextBoolean() ? inFlight.pollFirst() : inFlight.pollLast();
                done.active--;
            }
            int rank = rank(cumulative, random.nextDouble());
            String key = "key-" + rank;
            long total = set.stream().mapToLong(FakeCandidate::active).sum();
            FakeCandidate chosen = (FakeCandidate) policy.choose(set, hashKey(key));
            long bound = (long) Math.ceil(1.25 * (total + 1) / set.size());
            chosen.active++;
            assertThat(chosen.active).as("pick %d of %s", i, key).isLessThanOrEqualTo((int) bound);
            inFlight.addLast(chosen);
            if (rank == 0) {
                hotKeyBackends.add(chosen.id());
            } else if (rank > 50) {
                cold++;
                String home = homeOf.computeIfAbsent(key, k -> homes.choose(idle, hashKey(k)).id());
                coldAtHome += home.equals(chosen.id()) ? 1 : 0;
            }
        }
        assertThat(hotKeyBackends).as("the hot key spilled past its home").hasSizeGreaterThan(1);
        assertThat(coldAtHome).as("most cold keys still go home").isGreaterThan(cold * 7 / 10);
    }

    @Test
    void shouldFallBackToRoundRobinWithoutAKey() {
        Policy policy = Policies.create(PolicyKind.CONSISTENT_HASH);
        List<FakeCandidate> set = FakeCandidate.named("a", "b");
        assertThat(policy.choose(set, DispatchKey.NONE)).isNotSameAs(policy.choose(set, DispatchKey.NONE));
    }

    private static DispatchKey hashKey(String key) {
        return new DispatchKey(null, null, key);
    }

    private static double[] zipf(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    private static int rank(double[] cumulative, double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
