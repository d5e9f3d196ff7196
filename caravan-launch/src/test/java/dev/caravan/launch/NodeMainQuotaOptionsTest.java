package dev.caravan.launch;

import dev.caravan.node.quota.QuotaSettings;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeMainQuotaOptionsTest {
    private static QuotaSettings quotas(String... args) {
        return NodeMain.quotaSettings(NodeMain.OPTIONS.parse(List.of(args)));
    }

    @Test
    void shouldDefaultToTenSecondsAndTheOneFrameBundleLimit() {
        assertThat(quotas("--id", "n1")).isEqualTo(QuotaSettings.DEFAULTS);
        assertThat(QuotaSettings.DEFAULTS.handlerTimeoutMs()).isEqualTo(10_000);
    }

    @Test
    void shouldReadHandlerTimeoutAndMaxBundleSize() {
        assertThat(quotas("--id", "n1", "--handler-timeout", "2s", "--max-bundle-size", "8m"))
                .isEqualTo(new QuotaSettings(2000, 8L << 20));
    }

    @Test
    void shouldRefuseBadValuesAsUsageErrorsNamingTheOption() {
        assertThatThrownBy(() -> quotas("--id", "n1", "--handler-timeout", "soon")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("--handler-timeout");
        assertThatThrownBy(() -> quotas("--id", "n1", "--max-bundle-size", "1g")).isInstanceOf(DaemonOptions.UsageException.class)
                .hasMessageContaining("--max-bundle-size must be 1k..");
    }
}
