package dev.caravan.launch;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlacementTest {
    private static final DaemonPlace H1 = new DaemonPlace("h1", List.of("ip", "netns", "exec", "h1"), "10.0.0.2");
    private static final DaemonPlace H2 = new DaemonPlace("h2", List.of("ip", "netns", "exec", "h2"), "10.0.0.3");
    private static final DaemonPlace H3 = new DaemonPlace("h3", List.of("ip", "netns", "exec", "h3"), "10.0.0.4");

    @Test
    void shouldPutEachSwitchOfALocalFrontTierOnItsOwnLoopbackAddress() {
        for (int i = 1; i <= LocalCluster.MAX_SWITCHES; i++) {
            assertThat(Placement.LOCAL.switchPlace(i).bindAddress()).isEqualTo("127.0.0." + i);
            assertThat(Placement.LOCAL.switchPlace(i).commandPrefix()).isEmpty();
        }
        assertThat(Placement.LOCAL.switchPlace()).isEqualTo(DaemonPlace.LOOPBACK);
    }

    @Test
    void shouldSpreadSwitchIOnTheIthHostAndNodesOnTheHostsAfterTheFirst() {
        Placement p = Placement.spread(List.of(H1, H2, H3));
        assertThat(p.naming()).isEqualTo(H1);
        assertThat(p.switchPlace(1)).isEqualTo(H1);
        assertThat(p.switchPlace(2)).isEqualTo(H2);
        assertThat(p.switchPlace(3)).isEqualTo(H3);
        assertThat(List.of(p.node(1), p.node(2), p.node(3))).containsExactly(H2, H3, H2);
    }

    @Test
    void shouldRefuseASwitchWithoutAPlace() {
        Placement one = new Placement(H1, H1, H1, List.of(H2));
        assertThat(one.switchPlace()).isEqualTo(H1);
        assertThatThrownBy(() -> one.switchPlace(2)).isInstanceOf(CaravanException.class)
                .hasMessageContaining("places for switches s1..s1, not s2")
                .satisfies(e -> assertThat(((CaravanException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> new Placement(H1, List.of(), H1, List.of(H2))).isInstanceOf(CaravanException.class);
    }

    @Test
    void shouldRefuseMoreSwitchesThanPlacesBeforeStartingAnything() {
        assertThatThrownBy(() -> LocalCluster.builder().nodes(0).switches(2).placement(new Placement(H1, H1, H1, List.of(H2)))
                .start()).isInstanceOf(CaravanException.class).hasMessageContaining("2 switches need a place each");
    }
}
