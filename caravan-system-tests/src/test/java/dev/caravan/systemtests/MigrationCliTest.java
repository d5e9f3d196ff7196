package dev.caravan.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** migrate, clone, checkpoint and restore from the command line. */
@Tag("slow")
class MigrationCliTest {
    @TempDir
    Path dir;

    @Test
    void shouldMigrateCloneCheckpointAndRestoreFromTheCommandLine() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            String naming = c.namingHostPort();
            assertThat(Console.run("deploy", "--sample", "kv", "--name", "m", "--node", "n1", "--naming", naming).exitCode()).isZero();
            assertThat(Console.run("call", "m", "SET", "k", "v", "--naming", naming).exitCode()).isZero();

            Console.Result migrated = Console.run("migrate", "m", "--to", "n2", "--mode", "post-copy", "--json", "--naming", naming);
            assertThat(migrated.exitCode()).as(migrated.err()).isZero();
            JsonNode report = new ObjectMapper().readTree(migrated.out());
            assertThat(report.get("outcome").asText()).isEqualTo("committed");
            assertThat(report.get("toNode").asText()).isEqualTo("n2");
            assertThat(Console.run("call", "m", "GET", "k", "--naming", naming).out()).contains("\"v\"");

            Console.Result text = Console.run("migrate", "m", "--to", "n1", "--mode", "pre-copy", "--naming", naming);
            assertThat(text.exitCode()).isZero();
            assertThat(text.out()).contains("committed: m n2 -> n1 (pre-copy)").contains("downtime");

            assertThat(Console.run("clone", "m", "--to", "n2", "--name", "m2", "--naming", naming).exitCode()).isZero();
            assertThat(Console.run("call", "m2", "GET", "k", "--naming", naming).out()).contains("\"v\"");

            Console.Result ck = Console.run("checkpoint", "m", "--to", dir.toString(), "--naming", naming);
            assertThat(ck.exitCode()).as(ck.err()).isZero();
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(p -> p.toString().endsWith(".ckpt")).toList();
            }
            assertThat(files).hasSize(1);
            Console.Result restored = Console.run("restore", files.get(0).toString(), "--node", "n2", "--name", "m3",
                    "--naming", naming);
            assertThat(restored.exitCode()).as(restored.err()).isZero();
            assertThat(Console.run("call", "m3", "GET", "k", "--naming", naming).out()).contains("\"v\"");

            Console.Result bad = Console.run("migrate", "m", "--to", "n1", "--mode", "sideways", "--naming", naming);
            assertThat(bad.exitCode()).isNotZero();
            assertThat(bad.err()).contains("mode must be");
            assertThat(Console.run("ps", "--naming", naming).out()).contains("STABLE ENDPOINT");
        }
    }
}
