package dev.caravan.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.Console;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
 * recall | kill | results}, with an agent that moves itself ({@code ProcessContext.requestMigration})
 * from node to node, searches the processes hosted on each and brings what it found home. The
 * agent here is {@code agents.TickAgent}, written as a plain CaravanProcess (weak mobility); the
 * node side, the protocol and the CLI are those of every agent.
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
        jar = dir.resolve("tick-agent.jar");
        Files.write(jar, BundleBuilder.bundle().source("agents.TickAgent", source("agents/TickAgent.java")).build());
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String source(String resource) {
        try (InputStream in = AgentTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Console.Result agent(String... args) {
        List<String> all = new ArrayList<>(List.of("agent"));
        all.addAll(List.of(args));
        all.addAll(List.of("--naming", naming));
        return Console.run(all.toArray(String[]::new));
    }

    private static String launchedId(Console.Result r) {
        Matcher m = LAUNCHED.matcher(r.out() + r.err());
        assertThat(m.find()).as(r.out() + r.err()).isTrue();
        return m.group(1);
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
    void shouldVisitEveryStopFindTheMatchingProcessesThereAndBringThemHome() throws Exception {
        Console.Result r = agent("launch", jar.toString(), "--class", "agents.TickAgent", "--itinerary", "n2,n3",
                "--home", "n1", "--set", "match=kv-");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String id = launchedId(r);
        // Progress is sampled (a stop may be visited between two looks): the results prove each visit.
        assertThat(r.out()).containsPattern("agent-" + id + " on n\\d: (travelling|working) hop")
                .contains("agent-" + id + " on n1: done hop 2/2");
        assertThat(r.out().lines().filter(l -> l.matches("n\\d \\S+"))).containsExactly("n2 kv-b", "n3 kv-c");
        assertThat(agent("results", id).out()).isEqualTo("n2 kv-b\nn3 kv-c\n");
        JsonNode home = listed(id);
        assertThat(home.get("node").asText()).isEqualTo("n1");
        assertThat(home.get("state").asText()).isEqualTo("done");
        assertThat(home.get("hop").asText()).isEqualTo("2/2");
        assertThat(agent("kill", id).exitCode()).isZero();
    }

    @Test
    @Order(2)
    void shouldComeHomeWhenRecalledMidItineraryKeepingWhatItFound() throws Exception {
        Console.Result r = agent("launch", jar.toString(), "--class", "agents.TickAgent", "--itinerary", "n2,n3,n2,n3,n2,n3",
                "--home", "n1", "--set", "match=kv-", "--set", "dwell-ms=400", "--detach");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String id = launchedId(r);
        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("state").asText().equals("working") && !a.get("hop").asText().startsWith("0/");
        });
        assertThat(agent("results", id).err()).contains("agent " + id + " is working").contains("caravan agent recall " + id);

        Console.Result recalled = agent("recall", id);

        assertThat(recalled.exitCode()).as(recalled.err()).isZero();
        await().atMost(BOUND).until(() -> {
            JsonNode a = listed(id);
            return a != null && a.get("state").asText().equals("done");
        });
        assertThat(listed(id).get("node").asText()).isEqualTo("n1");
        String results = agent("results", id).out();
        assertThat(results).contains("n2 kv-b").containsPattern("recalled after [1-5] of 6 stops");
        assertThat(results.lines().filter(l -> l.matches("n\\d \\S+")).count()).isLessThan(6);
        assertThat(agent("kill", id).exitCode()).isZero();
    }

    @Test
    @Order(3)
    void shouldKillAnAgentWhereverItIs() throws Exception {
        Console.Result r = agent("launch", jar.toString(), "--class", "agents.TickAgent", "--itinerary", "n2,n3",
                "--home", "n1", "--set", "dwell-ms=60000", "--detach");
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
    @Order(4)
    void shouldSkipADownNodeOrComeHomeAsTheItinerarySays() throws Exception {
        cluster.killNode("n3");

        Console.Result skip = agent("launch", jar.toString(), "--class", "agents.TickAgent", "--itinerary", "n3,n2",
                "--home", "n1", "--on-down", "skip", "--set", "match=kv-");
        assertThat(skip.exitCode()).as(skip.err()).isZero();
        assertThat(skip.out()).contains("n3 skipped: ").contains("n2 kv-b");

        Console.Result home = agent("launch", jar.toString(), "--class", "agents.TickAgent", "--itinerary", "n3,n2",
                "--home", "n1", "--on-down", "home", "--set", "match=kv-");
        assertThat(home.exitCode()).as(home.err()).isZero();
        assertThat(home.out()).contains("n3 skipped: ").doesNotContain("n2 kv-b");
        assertThat(listed(launchedId(home)).get("node").asText()).isEqualTo("n1");

        Console.Result bad = agent("launch", jar.toString(), "--class", "agents.TickAgent", "--itinerary", "n2",
                "--on-down", "wait");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("on-down must be skip, retry or home, got 'wait'");
    }
}
