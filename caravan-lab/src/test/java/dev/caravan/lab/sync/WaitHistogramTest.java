package dev.caravan.lab.sync;

import dev.caravan.lab.sync.measure.WaitHistogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class WaitHistogramTest {
    @Test
    void shouldReportPercentilesWithinOneSixteenthAndExactMax() {
        WaitHistogram h = new WaitHistogram();
        for (long v = 1; v <= 10_000; v++) {
            h.record(v * 100);
        }

        assertThat(h.maxNs()).isEqualTo(1_000_000);
        assertThat(h.quantileNs(0.99)).isCloseTo(990_000, within(990_000 / 16.0));
        assertThat(h.quantileNs(0.5)).isCloseTo(500_000, within(500_000 / 16.0));
        assertThat(h.countAbove(900_000)).as("within one bucket of 1000").isBetween(800L, 1_100L);
    }
}
