package dev.caravan.launch;

import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DaemonJvmTest {
    @Test
    void shouldRunDaemonsWithFullJitTheServerCollectorAndTheConfiguredHeap() {
        assertThat(DaemonJvm.defaults()).containsExactly(DaemonJvm.COLLECTOR, "-Xmx1024m");
        assertThat(DaemonJvm.options("2g", List.of())).containsExactly(DaemonJvm.COLLECTOR, "-Xmx2048m");
        assertThat(DaemonJvm.defaults()).noneMatch(o -> o.contains("TieredStopAtLevel") || o.contains("SerialGC"));
    }

    @Test
    void shouldPutExtraOptionsLastSoThatTheyOverrideTheDefaults() {
        assertThat(DaemonJvm.options("512m", List.of("-XX:+UseG1GC", "-Xmx3g")))
                .containsExactly(DaemonJvm.COLLECTOR, "-Xmx512m", "-XX:+UseG1GC", "-Xmx3g");
    }

    @Test
    void shouldRefuseABadHeapOrSomethingThatIsNotAJvmOption() {
        assertThatThrownBy(() -> DaemonJvm.options("lots", List.of())).isInstanceOf(CaravanException.class)
                .hasMessageStartingWith("--heap: ");
        assertThatThrownBy(() -> DaemonJvm.options("16m", List.of())).isInstanceOf(CaravanException.class)
                .hasMessageContaining("64m");
        assertThatThrownBy(() -> DaemonJvm.options("1g", List.of("Xmx2g"))).isInstanceOf(CaravanException.class)
                .hasMessageContaining("--jvm-option 'Xmx2g'");
    }

    @Test
    void shouldRefuseABadNodeHeapBeforeAnyJvmStarts() {
        assertThatThrownBy(() -> LocalCluster.builder().daemonJvm("tiny", List.of())).isInstanceOf(CaravanException.class);
    }
}
