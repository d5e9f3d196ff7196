package dev.caravan.cli.commands;

import dev.caravan.wire.CaravanException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeployReplicasTest {
    @Test
    void shouldNameReplicasAfterTheServiceOnlyWhenAsked() {
        assertThat(DeployReplicas.names("web", null)).containsExactly("web");
        assertThat(DeployReplicas.names("web", 3)).containsExactly("web-1", "web-2", "web-3");
        assertThatThrownBy(() -> DeployReplicas.names("web", 0)).isInstanceOf(CaravanException.class)
                .hasMessage("--replicas must be 1..100, not 0");
        assertThatThrownBy(() -> DeployReplicas.names("web", 101)).isInstanceOf(CaravanException.class);
    }

    @Test
    void shouldLabelTheServiceAndTheGivenLabels() {
        assertThat(DeployReplicas.labels("web", List.of("tier=front", "zone=eu-west-1")))
                .containsExactly(Map.entry("label.service", "web"), Map.entry("label.tier", "front"),
                        Map.entry("label.zone", "eu-west-1"));
        assertThat(DeployReplicas.labels(null, List.of("tier=front"))).containsExactly(Map.entry("label.tier", "front"));
        assertThat(DeployReplicas.labels("web", List.of("service=shop"))).containsExactly(Map.entry("label.service", "shop"));
    }

    @Test
    void shouldRefuseMalformedLabels() {
        for (String bad : List.of("tier", "=x", "Tier=x", "-a=x", "a b=x", "k=has space", "k=" + "v".repeat(129),
                "k".repeat(64) + "=v")) {
            assertThatThrownBy(() -> DeployReplicas.labels(null, List.of(bad))).as(bad).isInstanceOf(CaravanException.class)
                    .hasMessageContaining("label");
        }
    }

    @Test
    void shouldPlaceEachReplicaOnTheNodeWithFewestProcesses() {
        assertThat(DeployReplicas.place(Map.of("n1", 0, "n2", 0, "n3", 0), 3)).containsExactly("n1", "n2", "n3");
        assertThat(DeployReplicas.place(Map.of("n1", 2, "n2", 0, "n3", 1), 4)).containsExactly("n2", "n2", "n3", "n1");
        assertThat(DeployReplicas.place(Map.of("n1", 0), 2)).containsExactly("n1", "n1");
        assertThatThrownBy(() -> DeployReplicas.place(Map.of(), 1)).isInstanceOf(CaravanException.class);
    }
}
