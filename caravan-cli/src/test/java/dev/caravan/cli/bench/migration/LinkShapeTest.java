package dev.caravan.cli.bench.migration;

import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LinkShapeTest {
    @Test
    void shouldParseDelaysAndRatesAsTcWritesThem() {
        assertThat(LinkShape.parse("1ms", "200mbit")).isEqualTo(new LinkShape(Duration.ofMillis(1), 200_000_000));
        assertThat(LinkShape.parse("500us", "1Gbit")).isEqualTo(new LinkShape(Duration.ofNanos(500_000), 1_000_000_000));
        assertThat(LinkShape.parse("0.5ms", null)).isEqualTo(new LinkShape(Duration.ofNanos(500_000), 0));
        assertThat(LinkShape.parse(null, null)).isEqualTo(LinkShape.NONE);
        assertThat(LinkShape.parse("10ms", "200mbit")).hasToString("10.0 ms one-way, 200 Mbit/s");
    }

    @Test
    void shouldRefuseWhatIsNotADelayOrARateInOneLine() {
        assertThatThrownBy(() -> LinkShape.parse("1", null)).isInstanceOf(CaravanException.class)
                .hasMessageContaining("--latency: '1' is not a delay such as 1ms");
        assertThatThrownBy(() -> LinkShape.parse("2s", null)).hasMessageContaining("at most 1s");
        assertThatThrownBy(() -> LinkShape.parse(null, "200mb")).hasMessageContaining("--bandwidth: '200mb' is not a rate");
        assertThatThrownBy(() -> LinkShape.parse(null, "100kbit")).hasMessageContaining("between 1mbit and 100gbit");
    }
}
