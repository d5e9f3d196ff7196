package dev.caravan.lab.threads;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SharedVariableDemoTest {
    @Test
    void shouldShareVariableAmongThreadsButNotAcrossProcesses() {
        List<SharedVariableDemo.Outcome> o = new SharedVariableDemo().run(20);

        assertThat(o).hasSize(2).allMatch(SharedVariableDemo.Outcome::threadsShared);
        for (SharedVariableDemo.Outcome p : o) {
            assertThat(p.last()).isEqualTo(p.initial() + 3);
        }
    }

    @Test
    void shouldMeasureEveryKindOfSwitchInProcess() {
        PingPong pp = new PingPong(dev.caravan.core.time.Clock.system());

        assertThat(pp.threadsNsPerRoundTrip(false, 200, 0)).isPositive();
        assertThat(pp.threadsNsPerRoundTrip(true, 200, 4096)).isPositive();
        assertThat(pp.processesNsPerRoundTrip(50, 0, false)).isPositive();
    }
}
