package dev.caravan.cli;

import dev.caravan.testsupport.CaravanCluster;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code caravan up} reports a node whose JVM dies, and LocalCluster supervises nodes started later too. */
@Tag("slow")
class UpSupervisionTest {
    private static final Duration BOUND = Duration.ofSeconds(90);

    @Test
    void shouldReportANodeKilledUnderCaravanUpOnStderr(@TempDir Path work) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "up", "--nodes", "1", "--switches", "0", "--port", "0",
                "--work-dir", work.toString(), "--heap", "256m", "--jvm-option=-XX:TieredStopAtLevel=1"));
        Process up = new ProcessBuilder(cmd).start();
        List<String> out = new CopyOnWriteArrayList<>();
        List<String> err = new CopyOnWriteArrayList<>();
        pump(up.getInputStream(), out);
        pump(up.getErrorStream(), err);
        try {
            await("caravan up is up").atMost(BOUND).until(() -> out.contains("up; press Ctrl-C to stop") || !up.isAlive());
            assertThat(up.isAlive()).as("stdout %s%nstderr %s", out, err).isTrue();
            ProcessHandle n1 = nodeJvm(up, "n1").orElseThrow(() -> new AssertionError("no JVM of node n1 under caravan up"));

            n1.destroyForcibly();

            await("up reports n1's death").atMost(BOUND).until(() -> err.stream()
                    .anyMatch(l -> l.startsWith("caravan up: node n1 exited (code 137, killed by SIGKILL)")));
            assertThat(err.stream().filter(l -> l.contains("node n1 exited")).findFirst().orElseThrow())
                    .contains(work.resolve("logs").resolve("n1.log").toAbsolutePath().toString());
        } finally {
            up.destroy();
            if (!up.waitFor(60, TimeUnit.SECONDS)) {
                up.destroyForcibly();
            }
        }
        assertThat(err).noneMatch(l -> l.contains("exited (") && !l.contains("node n1"));
    }

    @Test
    void shouldReportNodesStartedAfterTheListenerWasSet() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(1).start()) {
            Map<String, Integer> exits = new ConcurrentHashMap<>();
            c.local().onNodeExit(exits::put);
            c.local().startNodes(List.of("n2"));

            c.killNode("n2");
            await("n2's exit reported").atMost(BOUND).until(() -> exits.containsKey("n2"));
            assertThat(exits.get("n2")).isEqualTo(137);
            c.killNode("n1");
            await("n1's exit reported").atMost(BOUND).until(() -> exits.containsKey("n1"));
            assertThat(exits).containsExactlyInAnyOrderEntriesOf(Map.of("n1", 137, "n2", 137));
        }
    }

    /** The node JVM with {@code --id ID} among the descendants of {@code up}. */
    private static Optional<ProcessHandle> nodeJvm(Process up, String id) {
        return up.descendants().filter(p -> {
            try {
                // /proc: ProcessHandle.Info leaves out the arguments of long command lines.
                String args = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline"), StandardCharsets.UTF_8);
                return args.contains("\0--id\0" + id + "\0");
            } catch (java.io.IOException gone) {
                return false;
            }
        }).findFirst();
    }

    private static void pump(java.io.InputStream in, List<String> lines) {
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                // The process ended.
            }
        });
    }
}
