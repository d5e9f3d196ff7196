package dev.caravan.launch;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonOptionsTest {
    private final DaemonOptions options = new DaemonOptions("caravan thing", "Run a thing.")
            .value("--port", "PORT", "7400", "port to listen on")
            .value("--name", "NAME", null, "what to call it")
            .repeatable("--tag", "TAG", "a tag")
            .flag("--quiet", "say less");

    @Test
    void shouldReadValuesInBothSpellingsWithDefaultsAndRepeats() {
        DaemonOptions.Parsed p = options.parse(List.of("--name=x", "--tag", "a", "--tag=b", "--quiet"));

        assertThat(p.value("--name")).isEqualTo("x");
        assertThat(p.intValue("--port")).isEqualTo(7400);
        assertThat(p.values("--tag")).containsExactly("a", "b");
        assertThat(p.flag("--quiet")).isTrue();
        assertThat(p.helpRequested()).isFalse();
    }

    @Test
    void shouldLeaveAbsentOptionsWithoutDefaultNull() {
        DaemonOptions.Parsed p = options.parse(List.of());

        assertThat(p.value("--name")).isNull();
        assertThat(p.values("--tag")).isEmpty();
        assertThat(p.flag("--quiet")).isFalse();
    }

    @Test
    void shouldRefuseWhatDoesNotFitNamingTheArgument() {
        assertThatThrownBy(() -> options.parse(List.of("--colour", "red"))).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessage("unknown option '--colour'");
        assertThatThrownBy(() -> options.parse(List.of("stray"))).hasMessage("unexpected argument 'stray'");
        assertThatThrownBy(() -> options.parse(List.of("--name"))).hasMessage("missing NAME after --name");
        assertThatThrownBy(() -> options.parse(List.of("--port", "1", "--port", "2"))).hasMessage("--port given more than once");
        assertThatThrownBy(() -> options.parse(List.of("--quiet=yes"))).hasMessage("--quiet takes no value");
        assertThatThrownBy(() -> options.parse(List.of("--port", "many")).intValue("--port"))
                .hasMessage("--port: 'many' is not a whole number");
        assertThatThrownBy(() -> options.parse(List.of()).required("--name")).hasMessage("missing required option --name=NAME");
    }

    @Test
    void shouldDescribeEveryOptionWithItsDefaultInTheUsage() {
        assertThat(options.parse(List.of("--help")).helpRequested()).isTrue();
        assertThat(options.usage()).startsWith("Usage: caravan thing [OPTIONS]\nRun a thing.\n")
                .contains("--port=PORT", "port to listen on (default: 7400)", "--quiet", "--help");
    }
}
