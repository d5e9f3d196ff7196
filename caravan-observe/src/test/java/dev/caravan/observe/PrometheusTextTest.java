package dev.caravan.observe;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {
    @Test
    void shouldReadSamplesLabelsTypesAndSpecialValues() {
        PrometheusText t = PrometheusText.parse("""
                # HELP a_total Things.
                # TYPE a_total counter
                a_total{daemon="node",path="C:\\\\x \\"q\\"\\nz"} 3.0
                # TYPE h_seconds histogram
                h_seconds_bucket{le="+Inf"} 2 1700000000000
                g NaN
                """);
        assertThat(t.types()).containsEntry("a_total", "counter").containsEntry("h_seconds", "histogram");
        assertThat(t.find("a_total", Map.of("daemon", "node"))).singleElement().satisfies(s -> {
            assertThat(s.value()).isEqualTo(3.0);
            assertThat(s.labels()).containsEntry("path", "C:\\x \"q\"\nz");
        });
        assertThat(t.value("h_seconds_bucket", Map.of("le", "+Inf"))).contains(2.0);
        assertThat(t.value("g", Map.of())).hasValueSatisfying(v -> assertThat(v).isNaN());
    }

    @Test
    void shouldNameTheLineThatIsNotASample() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\n9bad 2\n")).hasMessageContaining("line 2");
    }

    @Test
    void shouldParseWhatADaemonServes() {
        try (DaemonMetrics m = new DaemonMetrics("node", "n1")) {
            PrometheusText t = PrometheusText.parse(m.scrape());
            assertThat(t.types()).containsEntry("jvm_memory_used_bytes", "gauge");
            assertThat(t.find("jvm_memory_used_bytes", Map.of("daemon", "node", "instance_id", "n1"))).isNotEmpty();
        }
    }
}
