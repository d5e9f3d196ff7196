package dev.caravan.switching.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PowerOfTwoPolicyTest {
    @Test
    void shouldKeepTheMaximumLoadFarBelowOneRandomChoice() {
        int backends = 20;
        int picks = 10_000;
        SplittableRandom oneChoice = new SplittableRandom(7);
        int[] randomLoads = new int[backends];
        for (int i = 0; i < picks; i++) {
            randomLoads[oneChoice.nextInt(backends)]++;
        }
        Policy policy = Policies.create(PolicyKind.POWER_OF_TWO, new SplittableRandom(7));
        List<FakeCandidate> set = IntStream.range(0, backends).mapToObj(i -> new FakeCandidate("b" + i, 1)).toList();
        for (int i = 0; i < picks; i++) {
            ((FakeCandidate) policy.choose(set, DispatchKey.NONE)).active++;
        }
        int average = picks / backends;
        int randomMax = IntStream.of(randomLoads).max().orElseThrow();
        int twoMax = set.stream().mapToInt(FakeCandidate::active).max().orElseThrow();
        assertThat(randomMax - average).as("one random choice overshoots by ~sqrt(2·m/n·ln n)").isGreaterThanOrEqualTo(20);
        assertThat(twoMax - average).as("two choices overshoot by ~ln ln n").isLessThanOrEqualTo(3);
        assertThat(set.stream().mapToInt(FakeCandidate::active).sum()).isEqualTo(picks);
    }

    @Test
    void shouldReturnTheOnlyCandidate() {
        Policy policy = Policies.create(PolicyKind.POWER_OF_TWO, new SplittableRandom(1));
        List<FakeCandidate> set = FakeCandidate.named("only");
        assertThat(policy.choose(set, DispatchKey.NONE).id()).isEqualTo("only");
    }
}
