package dev.caravan.dashboard;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RateTrackerTest {
    @Test
    void shouldGiveGrowthPerSecondBetweenPolls() {
        RateTracker r = new RateTracker();
        assertThat(r.rate("kv1@n1", 100, 0)).as("first poll: unknown").isEqualTo(-1);
        assertThat(r.rate("kv1@n1", 150, 500_000_000L)).isEqualTo(100.0);
        assertThat(r.rate("kv1@n1", 10, 1_000_000_000L)).as("a counter that restarted").isZero();
        assertThat(r.rate("kv1@n1", 10, 1_000_000_000L)).as("no time passed").isZero();
    }

    @Test
    void shouldForgetWhatIsNoLongerPolled() {
        RateTracker r = new RateTracker();
        r.rate("kv1@n1", 100, 0);
        r.retain(Set.of("kv1@n2"));
        assertThat(r.rate("kv1@n1", 200, 1_000_000_000L)).isEqualTo(-1);
    }
}
