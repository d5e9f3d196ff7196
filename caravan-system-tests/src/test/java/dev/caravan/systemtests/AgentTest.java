package dev.caravan.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.Console;
import dev.caravan.templates.AgentSamples;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Mobile agents from the command line on real node JVMs: {@code caravan agent launch | list |
 * recall | kill | results} with the sample agent {@code agents.SearchAgent}, an ordinary loop that
 * moves itself with its stack and locals (strong mobility) from node to node, searches the
 * processes hosted on each, may clone itself, and brings what it found home.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentTest {
    private static final Duration BOUND = Duration.ofSeconds(60);
    private static final Pattern LAUNCHED = Pattern.compile("agent (\\w+) launched on (\\w+)");
    private static CaravanCluster cluster;
    private static String naming;
    @TempDir
    static Path dir;
    private static Path jar;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(3).start();
        naming = cluster.namingHostPort();
        cluster.deployKv("kv-a", "n1");
        cluster.deployKv("kv-b", "n2");
        cluster.deployKv("other", "n2");
        cluster.deployKv("kv-c", "n3");
        cluster.client().call("kv-b", "SET", "k", "v");
        jar = dir.resolve("search-agent.jar");
        Files.write(jar, BundleBuilder.bundle().source(AgentSamples.SEARCH_AGENT_CLASS, AgentSamples.searchAgentSource()).build());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Console.Result agent(String... args) {
        List<String> all = new ArrayList<>(List.of("agent"));
        all.addAll(List.of(args));
        all.addAll(List.of("--naming", naming));
        return Console.run(all.toArray(String[]::new));
    }

    private static Console.Result launch(String itinerary, String... more) {
        List<String> args = new ArrayList<>(List.of("launch", jar.toString(), "--class", AgentSamples.SEARCH_AGENT_CLASS,
                "--itinerary", itinerary, "--home", "n1"));
        args.addAll(List.of(more));
        return agent(args.toArray(String[]::new));
    }

    /** "node process" of each process the agent reported (the rest of each line: class, state, memory, commands, keys). */
    private static List<String> found(String results) {
        return results.lines().filter(l -> l.matches("n\\d \\S+ dev\\..*")).map(l -> l.substring(0, l.indexOf(" dev.")))
                .toList();
    }

    private static String launchedId(Console.Result r) {
        Matcher m = LAUNCHED.matcher(r.out() + r.err());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        return m.group(1);
    }

    /** The processes of agent {@code id} registered now (the agent and its clones). */
    private static List<String> processesOf(String id) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode a : new ObjectMapper().readTree(agent("list", "--json").out())) {
            if (a.get("id").asText().equals(id)) {
                out.add(a.get("process").asText());
            }
        }
        return out;
    }

    private static JsonNode listed(String id) throws IOException {
        JsonNode all = new ObjectMapper().readTree(agent("list", "--json").out());
        for (JsonNode a : all) {
            if (a.get("id").asText().equals(id) && !a.get("process").asText().contains(".")) {
                return a;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void shouldCarryItsLoopFromNodeToNodeAndBringTheProcessesItFoundThereHome() throws Exception {
        Console.Result r = launch("n2,n3,n1", "--set", "match=kv-");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String id = launchedId(r);
        // Progress is sampled (a stop may be visited between two looks): the results prove each visit.
        assertThat(r.out()).containsPattern("agent-" + id + " on n\\d: (travelling|working) hop")
                .contains("agent-" + id + " on n1: done hop 3/3");
        assertThat(found(r.out())).containsExactly("n2 kv-b", "n3 kv-c", "n1 kv-a");
        assertThat(r.out()).contains("n2 kv-b dev.caravan.kv.KvProcess RUNNING").contains("keys=1");
        assertThat(agent("results", id).out()).isEqualTo(r.out().substring(r.out().indexOf("n2 kv-b")));
        JsonNode home = listed(id);
        assertThat(home.get("node").asText()).isEqualTo("n1");
        assertThat(home.get("state").asText()).isEqualTo("done");
        assertThat(home.get("hop").asText()).isEqualTo("3/3");
        assertThat(agent("kill", id).exitCode()).isZero();
    }

    @Test
    @Order(2)
    void shouldVisitHalfTheStopsWithACloneOfItselfAndMergeItsResultsAtHome() {
        Console.Result r = launch("n2,n3", "--set", "match=kv-", "--set", "clone=true");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        String id = launchedId(r);
        // The parent's share is n2 alone: n3's line can only come from the clone, merged at home. (The
        // clone's own progress is sampled every 200 ms and it now lives only for its trip, so it may not be printed.)
        assertThat(found(r.out())).containsExactly("n2 kv-b", "n3 kv-c");
        // Its results collected, the clone's loop returned on AGENT.STOP and its node stopped it: not left for kill.
        await().atMost(BOUND).until(() -> processesOf(id).equals(List.of("agent-" + id)));
        assertThat(agent("kill", id).exitCode()).isZero();
    }

    @Test
    @Order(3)
    void shouldComeHomeWhenRecalledMidItineraryKeepingWhatItFound() throws Exception {
        Console.Result r = launch("n2,n3,n2,n3,n2,n3", "--set", "match=kv-", "--set", "dwell-ms=400", "--detach");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String id = launchedId(r);
        // --detach: the id alone on stdout, so that id=$(caravan agent launch ... --detach) works.
        assertThat(r.out()).isEqualTo(id + "\n");
        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("state").asText().equals("working") && !a.get("hop").asText().startsWith("0/");
        });
        assertThat(agent("results", id).err()).containsPattern("agent " + id + " is (travelling|working) \\(hop \\d/6\\) on n[23]")
                .contains("caravan agent recall " + id);

        Console.Result recalled = agent("recall", id);

        assertThat(recalled.exitCode()).as(recalled.err()).isZero();
        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("state").asText().equals("done");
        });
        assertThat(listed(id).get("node").asText()).isEqualTo("n1");
        String results = agent("results", id).out();
        assertThat(results).contains("n2 kv-b").containsPattern("recalled after [1-5] of 6 stops");
        assertThat(found(results).size()).isLessThan(6);
        assertThat(agent("kill", id).exitCode()).isZero();
    }

    /** The tester's case: recalled while working at n2, it went on to n3. Recall is checked before every move. */
    @Test
    @Order(3)
    void shouldGoHomeFromTheStopWhereItWasRecalledWithoutVisitingTheNext() throws Exception {
        Console.Result r = launch("n2,n3", "--set", "match=kv-", "--set", "dwell-ms=1500", "--detach");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String id = r.out().strip();
        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("node").asText().equals("n2") && a.get("state").asText().equals("working");
        });

        assertThat(agent("recall", id).exitCode()).isZero();

        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("state").asText().equals("done");
        });
        String results = agent("results", id).out();
        assertThat(found(results)).containsExactly("n2 kv-b");
        assertThat(results).contains("recalled after 1 of 2 stops");
        assertThat(agent("kill", id).exitCode()).isZero();
    }

    @Test
    @Order(4)
    void shouldKillAnAgentWhereverItIs() throws Exception {
        Console.Result r = launch("n2,n3", "--set", "dwell-ms=60000", "--detach");
        String id = launchedId(r);
        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("node").asText().equals("n2") && a.get("state").asText().equals("working");
        });

        Console.Result killed = agent("kill", id);

        assertThat(killed.exitCode()).as(killed.err()).isZero();
        assertThat(killed.out()).contains("killed agent-" + id + " on n2");
        assertThat(listed(id)).isNull();
        assertThat(cluster.client().resolve("agent-" + id)).isEmpty();
        Console.Result gone = agent("results", id);
        assertThat(gone.exitCode()).isEqualTo(1);
        assertThat(gone.err()).isEqualTo("caravan: no agent " + id + " is registered; see caravan agent list [NOT_FOUND]\n");
    }

    @Test
    @Order(5)
    void shouldSkipADownNodeRetryItOrComeHomeAsTheItinerarySays() throws Exception {
        cluster.killNode("n3");

        Console.Result skip = launch("n3,n2", "--on-down", "skip", "--set", "match=kv-");
        assertThat(skip.exitCode()).as(skip.err()).isZero();
        assertThat(skip.out()).contains("n3 skipped: ").contains("n2 kv-b");

        long startNs = System.nanoTime();
        Console.Result retry = launch("n3,n2", "--on-down", "retry", "--set", "retries=3", "--set", "retry-ms=300",
                "--set", "match=kv-");
        assertThat(retry.exitCode()).as(retry.err()).isZero();
        assertThat(retry.out()).contains("n3 skipped: ").contains("n2 kv-b");
        // Two waits of 300 ms between three attempts before it skipped n3.
        assertThat(Duration.ofNanos(System.nanoTime() - startNs)).isGreaterThanOrEqualTo(Duration.ofMillis(600));

        Console.Result home = launch("n3,n2", "--on-down", "home", "--set", "match=kv-");
        assertThat(home.exitCode()).as(home.err()).isZero();
        assertThat(home.out()).contains("n3 skipped: ").doesNotContain("n2 kv-b");
        assertThat(listed(launchedId(home)).get("node").asText()).isEqualTo("n1");

        Console.Result bad = launch("n2", "--on-down", "wait");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("on-down must be skip, retry or home, got 'wait'");
    }
}
