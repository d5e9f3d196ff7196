package dev.caravan.cli;

import dev.caravan.cli.out.Style;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** https://no-color.org: colour on a terminal only, never with --json or NO_COLOR. */
class StyleTest {
    @Test
    void shouldColourOnlyOnATerminalWithoutJsonOrNoColor() {
        assertThat(Style.decide(false, true, null).coloured()).isTrue();
        assertThat(Style.decide(false, true, "").coloured()).isTrue();
        assertThat(Style.decide(false, true, "1").coloured()).isFalse();
        assertThat(Style.decide(true, true, null).coloured()).isFalse();
        assertThat(Style.decide(false, false, null).coloured()).isFalse();
    }

    @Test
    void shouldColourKnownStatesAndLeaveOthers() {
        Style on = Style.decide(false, true, null);
        assertThat(on.state("RUNNING")).isEqualTo("\u001b[32mRUNNING\u001b[0m");
        assertThat(on.state("FAILED")).startsWith("\u001b[31m");
        assertThat(on.state("whatever")).isEqualTo("whatever");
        assertThat(Style.plain().state("RUNNING")).isEqualTo("RUNNING");
    }
}
