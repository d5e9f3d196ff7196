package dev.caravan.dashboard;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** What the dashboard's own client calls, and how its calls are left out of requests/s. */
class ProbeTargetsTest {
    private static ClusterSnapshot.ProcessView process(String name, String node, String state) {
        return new ClusterSnapshot.ProcessView(name, node, state, 1, "", 0, 0, 0, 0, 0, 0, 0, -1, "");
    }

    private static MigrationView migration(String process, String outcome) {
        return new MigrationView(1, process, "n1", "n2", "pre-copy", false, "events", "rounds", 1, 0, -1, -1, -1, 0, -1, -1,
                outcome.isEmpty() ? -1 : 5, outcome, "");
    }

    private final ClusterSnapshot cluster = new ClusterSnapshot(1, List.of(), List.of(process("kv1", "n1", "RUNNING"),
            process("kv2", "n2", "RUNNING"), process("kv3", "n3", "RUNNING"), process("kv4", "n3", "STOPPED")));

    @Test
    void shouldProbeOnlyWhatAPageDrawsAndWhatMigrates() {
        assertThat(Dashboard.probeTargets(cluster, Set.of(), List.of())).as("no page open, nothing migrating").isEmpty();
        assertThat(Dashboard.probeTargets(cluster, Set.of("kv1"), List.of(migration("kv2", "committed"))))
                .as("an idle process nobody draws is not called").containsExactly("kv1");
        assertThat(Dashboard.probeTargets(cluster, Set.of("kv1", "kv4", "gone"), List.of(migration("kv3", ""))))
                .as("a running migration is followed; a stopped or unknown process is not called")
                .containsExactlyInAnyOrder("kv1", "kv3");
    }

    @Test
    void shouldLeaveTheProbesCallsOutOfRequestsPerSecond() {
        ProbeSamples samples = new ProbeSamples(2);
        for (int i = 0; i < 10; i++) {
            samples.add("kv1", i, 0.1, true);
        }
        samples.add("kv1", 11, 0.1, false);
        assertThat(samples.answered("kv1")).as("answered calls, also those the ring dropped").isEqualTo(10);
        assertThat(samples.answered("kv2")).isZero();

        assertThat(ClusterPoller.clientRate(10, 10)).as("an idle process under the probe").isZero();
        assertThat(ClusterPoller.clientRate(510, 10)).isEqualTo(500);
        assertThat(ClusterPoller.clientRate(9, 10)).as("never below zero").isZero();
        assertThat(ClusterPoller.clientRate(-1, 10)).as("not known yet").isEqualTo(-1);
        assertThat(ClusterPoller.clientRate(7, -1)).as("the probe's first interval").isEqualTo(7);
    }
}
