package dev.caravan.node.quota;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.SecuritySettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class QuotaSpecTest {
    @Test
    void shouldTurnTheDeployOptionIntoTheProcessSettings() {
        Map<String, String> s = QuotaSpec.settings(List.of("cpu=50%,connections=100", "rps=1000,handler=2s"), "throttle");

        assertThat(s).containsExactlyInAnyOrderEntriesOf(Map.of(SecuritySettings.QUOTA_CPU_PERCENT, "50",
                SecuritySettings.QUOTA_CONNECTIONS, "100", SecuritySettings.QUOTA_REQUESTS_PER_SECOND, "1000",
                SecuritySettings.QUOTA_HANDLER_MS, "2000", SecuritySettings.QUOTA_POLICY, "throttle"));
        assertThat(ProcessQuotas.from(s)).isEqualTo(new ProcessQuotas(50, 100, 1000, 2000, ProcessQuotas.Policy.THROTTLE));
    }

    @Test
    void shouldRefuseUnknownQuotasAndBadValuesWithOneLineNamingThem() {
        CaravanException unknown = catchThrowableOfType(CaravanException.class, () -> QuotaSpec.settings(List.of("disk=1g"), null));
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.getMessage()).contains("unknown quota 'disk'").contains("memory is --memory");
        assertThat(catchThrowableOfType(CaravanException.class, () -> QuotaSpec.settings(List.of("cpu=0%"), null))
                .getMessage()).contains("quota.cpu-percent must be 1..100");
        assertThat(catchThrowableOfType(CaravanException.class, () -> QuotaSpec.settings(List.of("handler=soon"), null))
                .getMessage()).contains("'soon' is not a duration");
        assertThat(catchThrowableOfType(CaravanException.class, () -> QuotaSpec.settings(List.of(), "kill"))
                .getMessage()).contains("stop or throttle");
    }

    @Test
    void shouldReadBareDurationsAsMilliseconds() {
        assertThat(QuotaSpec.durationMs("x", "250")).isEqualTo(250);
        assertThat(QuotaSpec.durationMs("x", "1m")).isEqualTo(60_000);
    }
}
