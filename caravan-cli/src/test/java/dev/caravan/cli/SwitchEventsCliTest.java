package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** caravan events finds the switch through naming and merges its events with the nodes'. */
@Tag("slow")
class SwitchEventsCliTest {
    @Test
    void shouldShowTheSwitchsFrontEndAndBackendEventsAmongTheClustersEvents() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(1).withSwitch().start()) {
            String naming = c.namingHostPort();
            assertThat(Console.run("deploy", "--sample", "kv", "--name", "kv1", "--naming", naming).exitCode()).isZero();

            await().atMost(Duration.ofSeconds(60)).until(() -> kinds(naming).containsAll(List.of("frontend-added process-kv1", "backend-added kv1")));
            List<String> kinds = kinds(naming);
            assertThat(kinds).contains("daemon-started switch/s1");
            assertThat(Console.run("events", "--naming", naming).out()).contains("switch/s1").contains("process-started");
        }
    }

    /** KIND SUBJECT of every event the switch published, per {@code events --json --node switch/s1}. */
    private static List<String> kinds(String naming) throws Exception {
        Console.Result r = Console.run("events", "--json", "--node", "switch/s1", "--naming", naming);
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> out = new ArrayList<>();
        for (JsonNode e : new ObjectMapper().readTree(r.out())) {
            out.add(e.get("kind").asText() + " " + e.get("subject").asText());
        }
        return out;
    }
}
