package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The {@code caravan} command line, run in-process against a real cluster. */
class CliTest {
    private static CaravanCluster cluster;
    private static String naming;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(2).start();
        naming = cluster.namingHostPort();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> processNames(String psJson) throws Exception {
        JsonNode root = new ObjectMapper().readTree(psJson);
        List<String> names = new ArrayList<>();
        root.path("processes").forEach(p -> names.add(p.path("name").asText()));
        return names;
    }

    @Test
    void shouldDeployListCallAndStopAProcess() throws Exception {
        Console.Result deploy = Console.run("deploy", "--sample", "kv", "--name", "x", "--memory", "64m", "--naming", naming);
        assertThat(deploy.exitCode()).as(deploy.err()).isZero();
        assertThat(deploy.out()).contains("started x");

        Console.Result ps = Console.run("ps", "--json", "--naming", naming);
        assertThat(ps.exitCode()).as(ps.err()).isZero();
        assertThat(processNames(ps.out())).contains("x");

        Console.Result set = Console.run("call", "--naming", naming, "x", "SET", "a", "1");
        Console.Result get = Console.run("call", "--naming", naming, "x", "GET", "a");
        assertThat(set.exitCode()).isZero();
        assertThat(set.out().strip()).isEqualTo("OK");
        assertThat(get.exitCode()).isZero();
        assertThat(get.out().strip()).isEqualTo("\"1\"");
        Console.Result getJson = Console.run("call", "--json", "--naming", naming, "x", "GET", "a");
        assertThat(getJson.exitCode()).as(getJson.err()).isZero();
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(getJson.out()).get("reply").asText()).isEqualTo("1");
        Console.Result missingJson = Console.run("call", "--json", "--naming", naming, "x", "GET", "nope");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(missingJson.out()).get("reply").isNull()).isTrue();

        Console.Result stop = Console.run("stop", "--naming", naming, "x");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        await("x is gone from naming").atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(cluster.client().resolve("x")).isEmpty());
        assertThat(processNames(Console.run("ps", "--json", "--naming", naming).out())).doesNotContain("x");
    }

    @Test
    void shouldExitNonZeroWithErrorReplyFromCall() {
        cluster.deployKv("cli-errors", "n2");
        Console.run("call", "--naming", naming, "cli-errors", "SET", "s", "text");

        Console.Result incr = Console.run("call", "--naming", naming, "cli-errors", "INCR", "s");

        assertThat(incr.exitCode()).isEqualTo(1);
        assertThat(incr.out().strip()).isEqualTo("(error) ERR value is not an integer or out of range");
    }

    @Test
    void shouldRefuseDeployWithNoArgumentsWithOneLineError() {
        Console.Result r = Console.run("deploy");

        assertThat(r.exitCode()).isNotZero();
        assertThat(r.errLines()).as("stderr was:%n%s", r.err()).hasSize(1);
        assertThat(r.errLines().getFirst()).contains("--name");
    }

    @Test
    void shouldRefuseDeployWithoutASourceWithOneLineError() {
        Console.Result r = Console.run("deploy", "--name", "y", "--naming", naming);

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan: ").contains("JAR, --sample or --bundle")
                .endsWith("(see 'caravan deploy --help')");
    }

    @Test
    void shouldRefuseASecondNodeWithTheIdOfARunningOneWithOneLineError() throws Exception {
        java.net.InetSocketAddress real = cluster.client().nodes().get("n1");
        String dir = java.nio.file.Files.createTempDirectory("second-n1").toString();

        Console.Result r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> Console.run("node", "--id", "n1", "--naming", naming, "--data-dir", dir));

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).as("stderr was:%n%s", r.err()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan node: node id n1 is in use by a running node")
                .endsWith("[ALREADY_EXISTS]");
        assertThat(cluster.client().nodes().get("n1")).isEqualTo(real);
    }

    @Test
    void shouldFailWithNotFoundWhenCallingUnknownProcess() {
        Console.Result r = Console.run("call", "--naming", naming, "nobody", "PING");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).contains("nobody").endsWith("[NOT_FOUND]");
    }
}
