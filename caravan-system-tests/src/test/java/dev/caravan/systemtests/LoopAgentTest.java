package dev.caravan.systemtests;

import dev.caravan.cli.Console;
import dev.caravan.templates.AgentSamples;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample mobile agent {@code agents.SearchAgent} — an ordinary loop that moves itself with
 * its stack and locals (strong mobility) — launched from the command line on real node JVMs: its
 * itinerary over three nodes, and a clone of it visiting half of the stops in parallel.
 */
class LoopAgentTest {
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

    private static List<String> found(Console.Result r) {
        return r.out().lines().filter(l -> l.matches("n\\d \\S+ .*")).map(l -> String.join(" ", List.of(l.split(" ")).subList(0, 2)))
                .toList();
    }

    @Test
    void shouldCarryItsLoopFromNodeToNodeAndBringTheProcessesItFoundHome() {
        Console.Result r = agent("launch", jar.toString(), "--class", AgentSamples.SEARCH_AGENT_CLASS, "--itinerary", "n2,n3,n1",
                "--home", "n1", "--set", "match=kv-");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(found(r)).containsExactly("n2 kv-b", "n3 kv-c", "n1 kv-a");
        assertThat(r.out()).contains("n2 kv-b dev.caravan.kv.KvProcess RUNNING").contains("keys=1");
        assertThat(r.out()).containsPattern("on n1: done hop 3/3");
    }

    @Test
    void shouldVisitHalfTheStopsWithACloneAndMergeItsResultsAtHome() {
        Console.Result r = agent("launch", jar.toString(), "--class", AgentSamples.SEARCH_AGENT_CLASS, "--itinerary", "n2,n3",
                "--home", "n1", "--set", "match=kv-", "--set", "clone=true");

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(found(r)).containsExactly("n2 kv-b", "n3 kv-c");
        assertThat(r.out()).containsPattern("agent-\\w+\\.1 on n\\d");
    }
}
