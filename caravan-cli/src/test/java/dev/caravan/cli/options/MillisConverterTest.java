package dev.caravan.cli.options;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MillisConverterTest {
    private final MillisConverter converter = new MillisConverter();

    @Test
    void shouldTakeBareMillisecondsOrANumberWithMsSOrM() {
        assertThat(converter.convert("50")).isEqualTo(50L);
        assertThat(converter.convert("1ms")).isEqualTo(1L);
        assertThat(converter.convert("1 ms")).isEqualTo(1L);
        assertThat(converter.convert("2s")).isEqualTo(2000L);
        assertThat(converter.convert("0.5s")).isEqualTo(500L);
        assertThat(converter.convert("1.25S")).isEqualTo(1250L);
        assertThat(converter.convert("0")).isZero();
        assertThat(converter.convert("86400s")).isEqualTo(86_400_000L);
        assertThat(converter.convert("2m")).isEqualTo(120_000L);
        assertThat(converter.convert("0.5m")).isEqualTo(30_000L);
        assertThat(converter.convert("1440m")).isEqualTo(86_400_000L);
    }

    @Test
    void shouldRefuseWhatIsNotAWholeNumberOfMillisecondsWithinADayInOneLine() {
        for (String bad : new String[] {"", "ms", "-1", "1h", "1441m", "1.5", "1.5ms", "0.0005s", "abc", "86401s", "999999999999",
                "1e3"}) {
            assertThatThrownBy(() -> converter.convert(bad)).as(bad).isInstanceOf(TypeConversionException.class)
                    .hasMessageContaining("'" + bad + "'").hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> converter.convert("1h")).hasMessageContaining("give milliseconds (50), or a number with ms, s or m");
    }
}
