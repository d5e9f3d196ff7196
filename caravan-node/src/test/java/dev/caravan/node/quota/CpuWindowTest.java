package dev.caravan.node.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuWindowTest {
    private static final long MS = 1_000_000;

    @Test
    void shouldNotBeFullUntilSamplesSpanTheWindow() {
        CpuWindow w = new CpuWindow(1000 * MS);
        w.record(0, 0);
        w.record(500 * MS, 500 * MS);

        assertThat(w.full()).isFalse();
        w.record(1000 * MS, 1000 * MS);
        assertThat(w.full()).isTrue();
        assertThat(w.percent()).isCloseTo(100, within(0.01));
    }

    @Test
    void shouldMeasureOnlyTheLastWindowSoAnOldBurstIsForgotten() {
        CpuWindow w = new CpuWindow(1000 * MS);
        long cpu = 0;
        for (long t = 0; t <= 1000 * MS; t += 50 * MS) {
            w.record(t, cpu);
            cpu += 50 * MS; // a full core for the first second
        }
        cpu -= 50 * MS;
        for (long t = 1050 * MS; t <= 2100 * MS; t += 50 * MS) {
            cpu += 10 * MS; // then 20%
            w.record(t, cpu);
        }

        assertThat(w.full()).isTrue();
        assertThat(w.percent()).as("the window after the burst").isCloseTo(20, within(3.0));
        assertThat(w.spanNs()).isBetween(1000 * MS, 1100 * MS);
    }

    @Test
    void shouldReadHalfACoreAsFiftyPercent() {
        CpuWindow w = new CpuWindow(1000 * MS);
        for (long t = 0; t <= 2000 * MS; t += 100 * MS) {
            w.record(t, t / 2);
        }

        assertThat(w.percent()).isCloseTo(50, within(0.01));
    }
}
