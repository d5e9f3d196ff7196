package dev.caravan.kv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * BLPOP's timeout argument: each case as redis-server 7.0.15 answered {@code BLPOP nokey <t>}
 * (an error, a nil after about that many milliseconds, or no answer at all: forever).
 */
class BlockTimeoutTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "{0} s = {1} ms")
    @CsvSource(delimiter = '|', value = {
        "0.1|100", "1.5|1500", "1e3|1000000", "0|0", "-0|0", "-0.0001|0", "0.0001|1", "1e-10|1", "0.0015|2",
        ".5e-3|1", "+.5|500", "0x10|16000", "0x.8|500", "0x1p-20|1", "9223372036854775|9223372036854775000"})
    void shouldReadTheTimeoutAsCeilOfMillisecondsInLongDouble(String seconds, long ms) {
        assertThat(BlockTimeout.milliseconds(b(seconds))).isEqualTo(ms);
    }

    @ParameterizedTest(name = "[{0}] is not a float")
    @CsvSource(delimiter = '|', value = {"abc", "nan", "' 1'", "'1 '", "''", "0x", "0x1p", "1e", "1e5000", "1e-5000",
        "-1e-5000", "0x1p99999", "0x1P-99999", "1,5"})
    void shouldRefuseWhatStrtoldDoesNotReadWhole(String seconds) {
        assertThatThrownBy(() -> BlockTimeout.milliseconds(b(seconds))).isSameAs(BlockTimeout.NOT_FLOAT);
    }

    @ParameterizedTest(name = "[{0}] is negative")
    @CsvSource({"-1", "-0.5", "inf", "-inf", "+inf", "Infinity", "1e400", "1e17", "9223372036854775807"})
    void shouldCallNegativeWhatIsBelowZeroOrBeyondLongLongAsX87ConvertsIt(String seconds) {
        assertThatThrownBy(() -> BlockTimeout.deadlineMs(b(seconds), 1_700_000_000_000L)).isSameAs(BlockTimeout.NEGATIVE);
    }

    @Test
    void shouldCountTheDeadlineFromNowAndMakeAnOverflowingOneNever() {
        assertThat(BlockTimeout.deadlineMs(b("0.1"), 1_700_000_000_000L)).isEqualTo(1_700_000_000_100L);
        assertThat(BlockTimeout.deadlineMs(b("0"), 1_700_000_000_000L)).isZero();
        assertThat(BlockTimeout.deadlineMs(b("9223372036854775"), 1_700_000_000_000L)).as("redis-server never times it out")
                .isZero();
    }
}
