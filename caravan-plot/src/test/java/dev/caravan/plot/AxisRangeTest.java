package dev.caravan.plot;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AxisRangeTest {
    @Test
    void shouldLeaveHeadroomBeyondBothEndsOfALinearRange() {
        AxisRange r = AxisRange.fit(false, false, new double[] {6, 46});
        assertThat(r.contains(6)).isTrue();
        assertThat(r.contains(46)).isTrue();
        assertThat(r.max()).isEqualTo(46 + 0.08 * 40);
        assertThat(r.min()).isEqualTo(6 - 0.08 * 40);
    }

    @Test
    void shouldStartBarsAtZeroAndStillLeaveHeadroomAbove() {
        AxisRange r = AxisRange.fit(false, true, new double[] {2.9, 8.9});
        assertThat(r.min()).isZero();
        assertThat(r.contains(8.9)).isTrue();
    }

    @Test
    void shouldLeaveAtLeastATenthOfADecadeOnALogRange() {
        AxisRange r = AxisRange.fit(true, false, new double[] {14.5, 95_000, 0, Double.NaN});
        assertThat(r.log()).isTrue();
        assertThat(r.contains(14.5)).isTrue();
        assertThat(r.contains(95_000)).isTrue();
        assertThat(Math.log10(95_000 / 14.5) * 0.08).isGreaterThan(0.1);
        assertThat(r.min()).isCloseTo(14.5 / Math.pow(10, 0.08 * Math.log10(95_000 / 14.5)), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldGiveARangeToASinglePointOrNone() {
        assertThat(AxisRange.fit(false, false, new double[] {5}).contains(5)).isTrue();
        assertThat(AxisRange.fit(false, false, new double[] {0}).contains(0)).isTrue();
        assertThat(AxisRange.fit(true, false, new double[] {5}).contains(5)).isTrue();
        assertThat(AxisRange.fit(false, false, new double[0])).isEqualTo(new AxisRange(0, 1, false));
    }

    @Test
    void shouldPickALogAxisOnlyForPositiveValuesSpanningMoreThanTwoDecades() {
        assertThat(AxisRange.isLog(Scale.AUTO, new double[] {1, 32})).isFalse();
        assertThat(AxisRange.isLog(Scale.AUTO, new double[] {0.5, 300})).isTrue();
        assertThat(AxisRange.isLog(Scale.AUTO, new double[] {0, 0.5, 300})).as("zeros are left out of the span").isTrue();
        assertThat(AxisRange.isLog(Scale.AUTO, new double[] {0, 5, 30})).isFalse();
        assertThat(AxisRange.isLog(Scale.LOG, new double[] {1, 2})).isTrue();
        assertThat(AxisRange.spansDecades(new double[] {10, 10_000})).isEqualTo(3);
    }
}
