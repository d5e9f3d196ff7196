package dev.caravan.lab.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EstimateTest {
    @Test
    void shouldShowANegativeCostAsBelowNoiseNeverAsANumber() {
        Estimate e = new Estimate(-103, 120);
        assertThat(e.belowNoise()).isTrue();
        assertThat(e.format("µs")).isEqualTo("below noise (±120 µs)").doesNotContain("-");
        assertThat(e.plotted()).isZero();
    }

    @Test
    void shouldShowACostAboveItsNoiseFloorWithTheFloor() {
        Estimate e = new Estimate(78.1, 3.2);
        assertThat(e.belowNoise()).isFalse();
        assertThat(e.format("µs")).isEqualTo("78.1 ± 3.20");
        assertThat(e.plotted()).isEqualTo(78.1);
    }

    @Test
    void shouldCountACostEqualToItsFloorAsNotMeasured() {
        assertThat(new Estimate(2.0, 2.0).belowNoise()).isTrue();
        assertThat(new Estimate(0.5, 0).belowNoise()).isFalse();
    }

    @Test
    void shouldTakeHalfTheSpreadOfRepeatedRunsAsTheirNoise() {
        assertThat(Estimate.halfRange(654, 700, 610, Double.NaN)).isEqualTo(45);
        assertThat(Estimate.halfRange(5)).isZero();
    }
}
