package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.commands.observe.AdminClient;
import dev.caravan.cli.commands.observe.EventStreams;
import dev.caravan.client.CaravanClient;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** events (live), describe, logs and nodes against a real cluster (naming and node JVMs). */
@Tag("slow")
class ObserveCliTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(line, e);
        }
    }

    @Test
    void shouldFollowAMigrationLiveDescribeItAndReportStoppedAndKilledNodes() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start();
             CaravanClient client = c.client();
             EventStreams streams = new EventStreams(client, new AdminClient(""), p -> { })) {
            String naming = c.namingHostPort();
            assertThat(Console.run("deploy", "--sample", "kv", "--name", "kv1", "--node", "n1", "--naming", naming).exitCode()).isZero();
            assertThat(Console.run("deploy", "--sample", "kv", "--name", "kv2", "--node", "n2", "--naming", naming).exitCode()).isZero();
            assertThat(Console.run("call", "--naming", naming, "kv1", "SET", "a", "1").exitCode()).isZero();
            assertThat(Console.run("call", "--naming", naming, "kv1", "SET", "b", "2").exitCode()).isZero();
            List<Event> seen = new CopyOnWriteArrayList<>();
            streams.follow(0, e -> true, seen::add);
            // The kept events of every daemon come first, merged in time order (not daemon by daemon).
            List<Event> backlog = List.copyOf(seen);
            assertThat(backlog).extracting(Event::source).contains("naming", "n1", "n2");
            assertThat(backlog).isSortedAccordingTo(EventStreams.BY_TIME);
            await().atMost(BOUND).until(() -> seen.stream().anyMatch(e -> e.kind() == EventKind.PROCESS_STARTED));

            Console.Result migrated = Console.run("migrate", "kv1", "--to", "n2", "--mode", "pre-copy", "--naming", naming);
            assertThat(migrated.exitCode()).as(migrated.err()).isZero();
            await().atMost(BOUND).until(() -> seen.stream().anyMatch(e -> e.kind() == EventKind.MIGRATION_COMMITTED));
            List<String> fromN1 = seen.stream().filter(e -> e.source().equals("n1") && e.subject().equals("kv1"))
                    .map(e -> e.kind() == EventKind.MIGRATION_PHASE ? e.fields().get("phase") : e.kind().label()).distinct().toList();
            assertThat(fromN1).containsSubsequence("process-deployed", "process-started", "migration-begun", "rounds", "freeze",
                    "last-pages", "switch-over", "committed", "migration-committed");
            await().atMost(BOUND).until(() -> seen.stream().anyMatch(e -> e.source().equals("n2")
                    && e.kind() == EventKind.PROCESS_ARRIVED && e.fields().get("from").equals("n1")));

            Console.Result events = Console.run("events", "--json", "--process", "kv1", "--naming", naming);
            assertThat(events.exitCode()).as(events.err()).isZero();
            JsonNode list = new ObjectMapper().readTree(events.out());
            assertThat(list.isArray()).isTrue();
            assertThat(list).allSatisfy(e -> {
                assertThat(e.get("subject").asText()).isEqualTo("kv1");
                assertThat(e.has("seq") && e.has("timeMs") && e.has("source") && e.has("kind") && e.has("message")
                        && e.has("fields")).isTrue();
            });
            assertThat(list.get(0).get("kind").asText()).isEqualTo("process-deployed");
            assertThat(Console.run("events", "--naming", naming).out()).contains("TIME").contains("SOURCE").contains("node-joined")
                    .contains("migration-committed");

            Console.Result described = Console.run("describe", "kv1", "--naming", naming);
            assertThat(described.exitCode()).as(described.err()).isZero();
            assertThat(described.out()).contains("Node:").contains("n2").contains("Epoch:").contains("Events:")
                    .contains("migration-committed").contains("process-arrived");
            Console.Result node = Console.run("describe", "n2", "--json", "--naming", naming);
            assertThat(new ObjectMapper().readTree(node.out()).get("processes").get(0).asText()).startsWith("kv1 ");

            Console.Result nodeLog = Console.run("logs", "n1", "--naming", naming);
            assertThat(nodeLog.out()).contains("started process kv1");
            Console.Result processLog = Console.run("logs", "kv1", "--json", "--naming", naming);
            assertThat(processLog.exitCode()).as(processLog.err()).isZero();
            assertThat(processLog.out()).doesNotContain("started process kv1");
            // kv1's own log() lines: the one it logged on n1 when it started, then the one on n2 when it arrived, in time order.
            List<JsonNode> kv1Lines = processLog.out().lines().map(ObserveCliTest::json).toList();
            assertThat(kv1Lines).allSatisfy(l -> assertThat(l.get("process").asText()).isEqualTo("kv1"));
            List<String> texts = kv1Lines.stream().map(l -> l.get("source").asText() + ": " + l.get("text").asText()).toList();
            int served = texts.indexOf("n1: kv1 serving 0 keys in 1024 MiB of paged memory");
            int arrived = java.util.stream.IntStream.range(0, texts.size())
                    .filter(i -> texts.get(i).startsWith("n2: kv1 arrived with 2 keys (epoch ")).findFirst().orElse(-1);
            assertThat(served).as("%s", texts).isNotNegative();
            assertThat(arrived).as("%s", texts).isGreaterThan(served);
            assertThat(kv1Lines).extracting(l -> l.get("timeMs").asLong()).isSorted();
            assertThat(processLog.out()).doesNotContain("kv2");
            assertThat(Console.run("logs", "kv2", "--naming", naming).out()).contains("[kv2] kv2 serving 0 keys").doesNotContain("kv1");

            // Lease ages: naming's view of each node's last renewal (renewed every quarter lease, 3 s here).
            assertThat(Console.run("nodes", "--naming", naming).out().lines().findFirst().orElseThrow()).contains("LEASE AGE");
            JsonNode live = new ObjectMapper().readTree(Console.run("nodes", "--json", "--naming", naming).out());
            assertThat(live.findValues("leaseAgeMs")).hasSize(2).allSatisfy(age -> assertThat(age.asLong()).isBetween(0L, 3000L));

            // SIGTERM: n1 says so as it stops, in its log and to watchers.
            c.node("n1").stop(60_000);
            await().atMost(BOUND).until(() -> seen.stream().anyMatch(e -> e.source().equals("n1")
                    && e.kind() == EventKind.DAEMON_STOPPING && e.message().startsWith("node n1 got SIGTERM: ")));
            assertThat(c.node("n1").tail(200)).contains("node n1 got SIGTERM: no processes to move");

            // kv1's lines on n1 went with n1: said on stderr, naming n1; its lines on n2 are still shown.
            await().atMost(BOUND).until(() -> !AdminClient.daemons(client).containsKey("n1"));
            Console.Result afterStop = Console.run("logs", "kv1", "--naming", naming);
            assertThat(afterStop.exitCode()).as(afterStop.err()).isZero();
            assertThat(afterStop.err()).contains("caravan: node n1 (where kv1 ran) is gone; its kept lines went with it")
                    .contains("logs/n1.log");
            assertThat(afterStop.out()).contains("n2 [kv1] kv1 arrived with 2 keys").doesNotContain("n1 [kv1]");
            // Naming publishes node-lost from its watch, just after the entry went.
            await().atMost(BOUND).until(() -> Console.run("logs", "n1", "--naming", naming).err().contains(" is LOST "));
            Console.Result lostLog = Console.run("logs", "n1", "--naming", naming);
            assertThat(lostLog.exitCode()).isNotZero();
            assertThat(lostLog.err()).contains("node n1 is LOST (naming lost it at ").contains("its kept lines went with it")
                    .doesNotContain("no node or process named");

            // A killed node stays in the listing as lost.
            c.killNode("n2");
            await().atMost(BOUND).until(() -> Console.run("nodes", "--naming", naming).out().lines()
                    .anyMatch(l -> l.startsWith("n2 ") && l.contains(" LOST ")));
            JsonNode rows = new ObjectMapper().readTree(Console.run("nodes", "--json", "--naming", naming).out());
            assertThat(rows.findValuesAsText("state")).contains("LOST");
        }
    }
}
