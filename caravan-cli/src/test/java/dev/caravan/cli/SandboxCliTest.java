package dev.caravan.cli;

import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code caravan deploy --isolation sandbox --slice S} on real node JVMs: the process runs in the
 * node's sandbox JVM for the slice, {@code ps} shows its isolation, {@code nodes} lists the
 * sandbox under its host, and {@code migrate --to n2} lands it in n2's sandbox of the slice.
 */
@Tag("slow")
class SandboxCliTest {
    @Test
    void shouldDeployListAndMoveASandboxedProcess() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withNodeArgs("--sandbox-heap", "64m").start()) {
            String naming = c.namingHostPort();
            Console.Result bad = Console.run("deploy", "--sample", "kv", "--name", "x", "--isolation", "vm", "--naming", naming);
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.errLines()).hasSize(1).first().asString().contains("--isolation must be node or sandbox");

            // A process of a slice needs the slice defined where the cluster's nodes read slices.
            Console.Result slice = Console.run("slice", "create", "acme", "--slices-dir", c.workDir().resolve("slices").toString());
            assertThat(slice.exitCode()).as(slice.err()).isZero();
            Console.Result deploy = Console.run("deploy", "--sample", "kv", "--name", "tenant-kv", "--node", "n1",
                    "--memory", "8m", "--isolation", "sandbox", "--slice", "acme", "--naming", naming);
            assertThat(deploy.exitCode()).as(deploy.err()).isZero();
            assertThat(deploy.out()).contains("on n1.sandbox-acme");
            Console.Result plain = Console.run("deploy", "--sample", "kv", "--name", "plain-kv", "--node", "n1",
                    "--memory", "8m", "--naming", naming);
            assertThat(plain.exitCode()).as(plain.err()).isZero();

            List<Map<String, Object>> ps = rows(Console.run("ps", "--json", "--naming", naming).out());
            assertThat(ps).anySatisfy(r -> assertThat(r).containsEntry("name", "tenant-kv").containsEntry("isolation", "sandbox:acme")
                    .containsEntry("node", "n1.sandbox-acme"));
            assertThat(ps).anySatisfy(r -> assertThat(r).containsEntry("name", "plain-kv").containsEntry("isolation", "node"));

            Console.Result nodes = Console.run("nodes", "--naming", naming);
            List<String> lines = nodes.out().lines().filter(l -> l.contains("n1") || l.contains("n2")).map(String::strip).toList();
            assertThat(lines.get(0)).startsWith("n1 ");
            assertThat(lines.get(1)).startsWith("n1.sandbox-acme").contains("SANDBOX");
            assertThat(lines.get(2)).startsWith("n2 ");

            Console.Result moved = Console.run("migrate", "tenant-kv", "--to", "n2", "--mode", "pre-copy", "--naming", naming);
            assertThat(moved.exitCode()).as(moved.err()).isZero();
            assertThat(c.client().resolve("tenant-kv").orElseThrow().node()).isEqualTo("n2.sandbox-acme");
        }
    }

    private static List<Map<String, Object>> rows(String json) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        mapper.readTree(json).path("processes").forEach(p -> rows.add(mapper.convertValue(p,
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { })));
        return rows;
    }
}
