package dev.caravan.lab.threads;

import dev.caravan.lab.report.Estimate;
import dev.caravan.plot.Series;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IndirectCostTest {
    @Test
    void shouldDrawCostsWithinTheirNoiseFloorOpenAtZero() {
        // 16 MiB, processes: touch after a switch 658 µs, warm 761 µs (−103 µs), both timings move by tens of µs.
        Estimate[] e = IndirectCost.perSwitchUs(new double[] {50, 654_000, 761_000}, new double[] {5, 30_000, 80_000},
                new double[] {90, 732_000, 658_000}, new double[] {10, 20_000, 40_000});
        assertThat(e[0].value()).isCloseTo(0.04, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(e[0].noise()).isCloseTo(0.015, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(e[0].belowNoise()).isFalse();
        assertThat(e[1].format("µs")).isEqualTo("78.0 ± 50.0");
        assertThat(e[2].value()).isEqualTo(-103);
        assertThat(e[2].format("µs")).isEqualTo("below noise (±120 µs)");

        Series s = IndirectCost.series("2 processes", new double[] {16384, 16384 * 2}, e, 1);
        assertThat(s.y()).containsExactly(78, 0);
        assertThat(s.hollow()).containsExactly(false, true);
    }
}
