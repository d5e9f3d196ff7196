package dev.caravan.lab.sync;

import dev.caravan.lab.sync.PrioritySimulator.Protocol;
import dev.caravan.lab.sync.problems.PriorityInversionProblem;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PrioritySimulatorTest {
    @Test
    void shouldDelayHighPriorityTaskByEveryMediumTaskWithoutProtocol() {
        int none0 = PriorityInversionProblem.highResponseTicks(0, Protocol.NONE);
        int none3 = PriorityInversionProblem.highResponseTicks(3, Protocol.NONE);

        assertThat(none0).isEqualTo(6);
        assertThat(none3 - none0).isEqualTo(3 * 5);
    }

    @Test
    void shouldBoundInversionWithPriorityInheritance() {
        for (int m = 0; m <= 8; m++) {
            assertThat(PriorityInversionProblem.highResponseTicks(m, Protocol.INHERITANCE)).isEqualTo(6);
        }
    }
}
