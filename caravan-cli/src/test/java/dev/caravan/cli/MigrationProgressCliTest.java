package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.client.KvFiller;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's defects: the bar went to stdout and stayed at "sent 0 B … 0 B/s" through post-copy.
 * Progress goes to stderr, correct in each mode; stdout holds only the result; --json has no bar.
 */
@Tag("slow")
class MigrationProgressCliTest {
    @TempDir
    Path dir;

    @Test
    void shouldDrawProgressOnStderrAndLeaveStdoutToTheResult() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            String naming = c.namingHostPort();
            ProcessInfo kv = c.deployKv("m", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 10_000, 500);

            Console.Result post = Console.run("migrate", "m", "--to", "n2", "--mode", "post-copy", "--naming", naming);
            assertThat(post.exitCode()).as(post.err()).isZero();
            assertThat(post.out().lines().toList().getFirst()).startsWith("committed: m n1 -> n2 (post-copy)");
            assertThat(post.out()).doesNotContain("[#").doesNotContain("left ");
            List<String> bar = post.errLines().stream().filter(l -> l.startsWith("[")).toList();
            assertThat(bar).as(post.err()).anyMatch(l -> l.contains("committed") && !l.contains("left 0 pages"));
            assertThat(bar.getLast()).contains("done").contains("left 0 pages").containsPattern("pushed [1-9]")
                    .contains("faults ").doesNotContain("sent 0 B").doesNotContain(" 0 B/s").doesNotContain("\r");

            Console.Result pre = Console.run("migrate", "m", "--to", "n1", "--mode", "pre-copy", "--max-downtime", "100",
                    "--naming", naming);
            assertThat(pre.exitCode()).as(pre.err()).isZero();
            assertThat(pre.out()).doesNotContain("[#");
            assertThat(pre.errLines()).anyMatch(l -> l.contains("rounds") && !l.contains(" 0 B/s"));

            Console.Result json = Console.run("migrate", "m", "--to", "n2", "--mode", "stop-and-copy", "--json", "--naming", naming);
            assertThat(json.exitCode()).as(json.err()).isZero();
            JsonNode report = new ObjectMapper().readTree(json.out());
            assertThat(report.get("downtimeBudgetMissed").asBoolean()).isFalse();
            assertThat(json.errLines()).as("no bar with --json").noneMatch(l -> l.startsWith("["));

            Console.Result ck = Console.run("checkpoint", "m", "--to", dir.toString(), "--naming", naming);
            assertThat(ck.exitCode()).as(ck.err()).isZero();
            assertThat(ck.out()).startsWith("checkpointed m on n2").doesNotContain("[#");
            assertThat(ck.errLines()).anyMatch(l -> l.startsWith("[") && l.contains("written"));

            Console.Result refused = Console.run("migrate", "m", "--to", "n1", "--mode", "hybrid", "--max-downtime", "10",
                    "--naming", naming);
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("--max-downtime is pre-copy's budget; hybrid does not aim at a downtime");
        }
    }
}
