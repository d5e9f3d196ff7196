package dev.caravan.wire.node;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessSpecPrintTest {
    @Test
    void shouldHideAPasswordsHashWhenASpecIsPrinted() {
        ProcessSpec spec = new ProcessSpec("p", "kv", "", "", 1 << 20, Map.of("auth.password.sha256", "ab12", "a", "b"));

        assertThat(spec.toString()).doesNotContain("ab12").contains("auth.password.sha256=(hidden)").contains("a=b");
    }
}
