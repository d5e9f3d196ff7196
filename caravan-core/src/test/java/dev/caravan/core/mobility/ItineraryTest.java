package dev.caravan.core.mobility;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ItineraryTest {
    @Test
    void shouldReadTheItineraryFromSettingsWithDefaults() {
        Itinerary it = Itinerary.from(Map.of("itinerary", "n1,n2,n3", "home", "n0"));
        assertThat(it.size()).isEqualTo(3);
        assertThat(it.stop(1)).isEqualTo("n2");
        assertThat(it.home()).isEqualTo("n0");
        assertThat(it.onDownPolicy()).isEqualTo(Itinerary.OnDown.SKIP);
        assertThat(it.retries()).isEqualTo(3);
        assertThat(it.retryMs()).isEqualTo(500);
    }

    @Test
    void shouldRetryAsManyTimesAsAskedThenSkip() {
        Itinerary it = Itinerary.from(Map.of("itinerary", "n1", "home", "n0", "on-down", "retry", "retries", "2"));
        assertThat(it.afterFailedMove(1)).isEqualTo(Itinerary.OnDown.RETRY);
        assertThat(it.afterFailedMove(2)).isEqualTo(Itinerary.OnDown.SKIP);
        assertThat(Itinerary.from(Map.of("itinerary", "n1", "home", "n0", "on-down", "home")).afterFailedMove(1))
                .isEqualTo(Itinerary.OnDown.HOME);
    }

    @Test
    void shouldRefuseBadSettingsSayingWhichOne() {
        assertRefused(Map.of("home", "n0"), "an agent needs an itinerary (setting itinerary=n1,n2,...)");
        assertRefused(Map.of("itinerary", "n1,,n2", "home", "n0"), "itinerary 'n1,,n2' has an empty or padded node name");
        assertRefused(Map.of("itinerary", "n1"), "an agent needs a home node (setting home)");
        assertRefused(Map.of("itinerary", "n1", "home", "n0", "on-down", "wait"), "on-down must be skip, retry or home, got 'wait'");
        assertRefused(Map.of("itinerary", "n1", "home", "n0", "retries", "0"), "retries must be 1..100, got 0");
        assertRefused(Map.of("itinerary", "n1", "home", "n0", "retry-ms", "x"), "retry-ms must be a number, got 'x'");
        assertThatThrownBy(() -> Itinerary.from(Map.of("itinerary", "n1", "home", "n0")).stop(1))
                .hasMessage("hop 1 is outside the itinerary n1");
    }

    private static void assertRefused(Map<String, String> config, String message) {
        assertThatThrownBy(() -> Itinerary.from(config)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT)).hasMessage(message);
    }

    @Test
    void shouldWriteAndReadBackTheStatusLine() {
        AgentStatus s = AgentStatus.of(AgentStatus.State.WORKING, 2, 3, "on n2");
        assertThat(s.line()).isEqualTo("working hop 2/3 on n2");
        assertThat(AgentStatus.parse(s.line())).contains(s);
        assertThat(AgentStatus.parse("done hop 3/3")).contains(AgentStatus.of(AgentStatus.State.DONE, 3, 3, ""));
        assertThat(AgentStatus.parse("3 clients blocked")).isEmpty();
        assertThat(AgentStatus.parse("sleeping hop 1/2")).isEmpty();
    }

    @Test
    void shouldNameAgentsAndTheirClones() {
        String name = AgentProtocol.processName("7f3a");
        assertThat(name).isEqualTo("agent-7f3a");
        assertThat(AgentProtocol.cloneName(name, 2)).isEqualTo("agent-7f3a.2");
        assertThat(AgentProtocol.agentId("agent-7f3a.2")).isEqualTo("7f3a");
        assertThat(AgentProtocol.agentId("kv1")).isEmpty();
    }
}
