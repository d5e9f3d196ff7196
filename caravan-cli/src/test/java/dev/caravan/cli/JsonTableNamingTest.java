package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.cli.out.Table;
import dev.caravan.testsupport.CaravanCluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every listing's table headers are its JSON fields (normalised lowerCamel, unit dropped); actions print one JSON document. */
class JsonTableNamingTest {
    private static CaravanCluster cluster;
    private static String naming;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1).withSwitch().start();
        naming = cluster.namingHostPort();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Headers of a table printed by {@link Table}: the first line split at two or more spaces. */
    private static List<String> headers(String table) {
        return Arrays.asList(table.lines().findFirst().orElseThrow().strip().split(" {2,}"));
    }

    /** Every field name in {@code json}, at any depth. */
    private static Set<String> fields(JsonNode json) {
        Set<String> names = new HashSet<>();
        collect(json, names);
        return names;
    }

    private static void collect(JsonNode n, Set<String> names) {
        if (n.isObject()) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                names.add(f);
                collect(n.get(f), names);
            }
        } else if (n.isArray()) {
            n.forEach(e -> collect(e, names));
        }
    }

    private static void assertHeadersAreJsonFields(String... command) throws Exception {
        Console.Result table = Console.run(command);
        List<String> withJson = new ArrayList<>(List.of(command));
        withJson.add("--json");
        Console.Result json = Console.run(withJson.toArray(String[]::new));
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(json.exitCode()).as(json.err()).isZero();
        Set<String> fields = fields(new ObjectMapper().readTree(json.out()));
        List<String> missing = new ArrayList<>();
        for (String h : headers(table.out())) {
            String f = Table.field(h);
            boolean found = fields.contains(f) || fields.stream().anyMatch(k -> Table.header(k).equals(h));
            if (!found) {
                missing.add(h + " (" + f + ")");
            }
        }
        assertThat(missing).as("%s: headers that are not JSON fields %s", String.join(" ", command), fields).isEmpty();
    }

    @Test
    void shouldNameEveryTableColumnAfterAJsonField() throws Exception {
        Console.Result deploy = Console.run("deploy", "--sample", "kv", "--name", "naming-kv", "--memory", "16m", "--naming", naming,
                "--json");
        assertThat(deploy.exitCode()).as(deploy.err()).isZero();
        assertThat(new ObjectMapper().readTree(deploy.out()).get("processes").get(0).get("dataEndpoint").asText()).contains(":");

        assertHeadersAreJsonFields("ps", "--naming", naming);
        assertHeadersAreJsonFields("nodes", "--naming", naming);
        // The switch gives the process a front end of its own, with the process as its backend.
        Awaitility.await("the switch routes to naming-kv").atMost(Duration.ofSeconds(30)).until(() ->
                new ObjectMapper().readTree(Console.run("switch", "backends", "--naming", naming, "--json").out()).path("backends").size() > 0);
        assertHeadersAreJsonFields("switch", "frontends", "--naming", naming);
        assertHeadersAreJsonFields("switch", "backends", "--naming", naming);
    }

    @Test
    void shouldPrintOnlyOneJsonDocumentForEachAction() throws Exception {
        ObjectMapper m = new ObjectMapper();
        assertThat(Console.run("deploy", "--sample", "kv", "--name", "json-kv", "--memory", "16m", "--naming", naming).exitCode())
                .isZero();
        Console.Result ckpt = Console.run("checkpoint", "json-kv", "--to", tmp.resolve("ckpt").toString(), "--naming", naming, "--json");
        assertThat(ckpt.exitCode()).as(ckpt.err()).isZero();
        assertThat(m.readTree(ckpt.out()).get("detail").asText()).endsWith(".ckpt");
        Console.Result uncordon = Console.run("uncordon", "n1", "--naming", naming, "--json");
        assertThat(uncordon.exitCode()).as(uncordon.err()).isZero();
        assertThat(m.readTree(uncordon.out()).get("nodeId").asText()).isEqualTo("n1");
        Console.Result stop = Console.run("stop", "json-kv", "--naming", naming, "--json");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(m.readTree(stop.out()).get("stopped").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseACheckpointIntoAMissingDirectoryInOneLine() {
        Console.Result deploy = Console.run("deploy", "--sample", "kv", "--name", "ckpt-kv", "--memory", "16m", "--naming", naming);
        assertThat(deploy.exitCode()).as(deploy.err()).isZero();

        Console.Result r = Console.run("checkpoint", "ckpt-kv", "--to", "/proc/nope", "--naming", naming);

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().getFirst()).startsWith("caravan: cannot write the checkpoint of ckpt-kv to /proc/nope/")
                .doesNotContain("Exception").endsWith("[INVALID_ARGUMENT]");
    }

    @Test
    void shouldRedrawPsWithWatchAndRefuseWatchWithJson() {
        Console.Result r = Console.run("ps", "--watch", "--interval", "1", "--watch-count", "2", "--naming", naming);

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("Every 1 s: caravan ps"))).hasSize(2);
        assertThat(r.out().lines().filter(l -> l.startsWith("NAME  "))).hasSize(2);
        assertThat(r.out()).doesNotContain("\u001b[");
        assertThat(Console.run("ps", "--watch", "--json", "--naming", naming).exitCode()).isEqualTo(2);
        assertThat(Console.run("ps", "--interval", "0", "--naming", naming).exitCode()).isEqualTo(2);
    }
}
