package dev.caravan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.client.KvFiller;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.AckedWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** migrate (and cancel), clone, checkpoint and restore from the command line. */
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
            assertThat(bad.exitCode()).isEqualTo(2);
            assertThat(bad.err()).contains("is not a mode");
            assertThat(Console.run("ps", "--naming", naming).out()).contains("SWITCH").contains("FRONT");
        }
    }

    /** The defect: after the home node stopped, ps still showed its dead stable endpoint as the way in. */
    @Test
    void shouldShowTheStableEndpointAsGoneOnceItsHomeNodeIsDown() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            String naming = c.namingHostPort();
            assertThat(Console.run("deploy", "--sample", "kv", "--name", "h", "--node", "n1", "--naming", naming).exitCode()).isZero();
            assertThat(Console.run("migrate", "h", "--to", "n2", "--naming", naming).exitCode()).isZero();
            String front = new ObjectMapper().readTree(Console.run("ps", "--json", "--naming", naming).out())
                    .get("processes").get(0).get("front").asText();
            assertThat(Console.run("ps", "--naming", naming).out()).contains(front);

            c.killNode("n1");

            Console.Result ps = Console.run("ps", "--naming", naming);
            assertThat(ps.out()).contains(" gone ").doesNotContain(front);
            JsonNode row = new ObjectMapper().readTree(Console.run("ps", "--json", "--naming", naming).out()).get("processes").get(0);
            assertThat(row.get("node").asText()).isEqualTo("n2");
            assertThat(row.get("frontReachable").asBoolean()).isFalse();
        }
    }

    @Test
    void shouldStopAFailedProcessThatIsNoLongerRegistered() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withLeaseMs(1500).start()) {
            ProcessInfo kv = c.deployKv("kv", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 20_000, 500);
            InetSocketAddress control = c.client().resolve("kv").orElseThrow().control();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> NodeControl.migrate(control, "",
                    new MigrationRequest("kv", "n2", MigrationMode.POST_COPY, 50, 30, 2, false, "", "source:halt:push"),
                    p -> { }, Duration.ofMinutes(2))).isInstanceOf(dev.caravan.wire.CaravanException.class);
            await().atMost(10, TimeUnit.SECONDS).until(() -> c.control("n2").inspect("kv").state().equals("FAILED"));
            await().atMost(10, TimeUnit.SECONDS).until(() -> c.client().resolve("kv").isEmpty());
            Console.Result stop = Console.run("stop", "kv", "--naming", c.namingHostPort());
            assertThat(stop.exitCode()).as(stop.err()).isZero();
            assertThat(stop.out()).contains("stopped kv on n2");
            assertThat(c.control("n2").list()).noneMatch(p -> p.name().equals("kv"));
            Console.Result again = Console.run("stop", "kv", "--naming", c.namingHostPort());
            assertThat(again.exitCode()).isNotZero();
            assertThat(again.err()).contains("no process named kv");
        }
    }

    @Test
    void shouldCancelTheMigrationWhenTheMigrateCommandIsInterrupted() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            String naming = c.namingHostPort();
            ProcessInfo kv = c.deployKv("kv", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 20_000, 200);
            // A real `caravan migrate` in its own JVM; the source holds its first round for 2 s.
            Path errFile = dir.resolve("migrate.err");
            Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "migrate", "kv", "--to", "n2",
                    "--mode", "pre-copy", "--fault", "source:pause:rounds", "--naming", naming)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(errFile.toFile()).start();
            try {
                await().atMost(30, TimeUnit.SECONDS).until(() -> c.control("n1").inspect("kv").stateDetail().contains("being moved"));
                cli.destroy(); // SIGTERM: the JVM runs its shutdown hooks, as on Ctrl-C's SIGINT
                assertThat(cli.waitFor(30, TimeUnit.SECONDS)).isTrue();
                String err = Files.readString(errFile);
                assertThat(err).contains("cancelled the migration of kv");
            } finally {
                cli.destroyForcibly();
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> !c.control("n1").inspect("kv").stateDetail().contains("being moved"));
            assertThat(c.control("n1").inspect("kv").state()).isEqualTo("RUNNING");
            assertThat(c.client().resolve("kv").orElseThrow().node()).isEqualTo("n1");
            assertThat(c.client().resolve("kv").orElseThrow().epoch()).isEqualTo(kv.epoch());
            Console.Result again = Console.run("migrate", "kv", "--to", "n2", "--mode", "stop-and-copy", "--naming", naming);
            assertThat(again.exitCode()).as(again.err()).isZero();
        }
    }

    @Test
    void shouldCancelFromTheCommandLineBeforeCommitAndKeepServingAtTheSource() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withLeaseMs(1500).start()) {
            String naming = c.namingHostPort();
            ProcessInfo kv = c.deployKv("kv", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 20_000, 200);
            AckedWriter writers = new AckedWriter(CaravanCluster.frontAddress(kv), 3);
            await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 100 || !writers.failures().isEmpty());
            InetSocketAddress control = c.client().resolve("kv").orElseThrow().control();
            CompletableFuture<Void> moving = new CompletableFuture<>();
            // The source holds its first round for 2 s: long enough to cancel from another process.
            CompletableFuture<MigrationReport> done = CompletableFuture.supplyAsync(() -> NodeControl.migrate(control, "",
                    new MigrationRequest("kv", "n2", MigrationMode.PRE_COPY, 1, 30, 2, false, "", "source:pause:rounds"),
                    p -> {
                        if (p.phase() == MigrationPhase.ROUNDS) {
                            moving.complete(null);
                        }
                    }, Duration.ofMinutes(2)));
            moving.get(60, TimeUnit.SECONDS);
            Console.Result cancel = Console.run("migrate", "kv", "--cancel", "--naming", naming);
            assertThat(cancel.exitCode()).as(cancel.err()).isZero();
            MigrationReport r = done.get(60, TimeUnit.SECONDS);
            assertThat(r.outcome()).as("%s", r).isEqualTo(MigrationOutcome.CANCELLED);
            assertThat(r.endedIn()).isEqualTo(MigrationPhase.ROLLED_BACK);
            assertThat(c.client().resolve("kv").orElseThrow().node()).isEqualTo("n1");
            assertThat(c.client().resolve("kv").orElseThrow().epoch()).isEqualTo(kv.epoch());
            // Nothing was left behind at the destination: the same move goes through now.
            Console.Result again = Console.run("migrate", "kv", "--to", "n2", "--mode", "pre-copy", "--naming", naming);
            assertThat(again.exitCode()).as(again.err()).isZero();
            assertThat(again.out()).contains("committed: kv n1 -> n2 (pre-copy)");
            writers.stop();
            assertThat(writers.failures()).isEmpty();
            writers.assertNothingLost(CaravanCluster.dataAddress(c.control("n2").inspect("kv")));
            Console.Result late = Console.run("migrate", "kv", "--cancel", "--naming", naming);
            assertThat(late.exitCode()).isNotZero();
            assertThat(late.err()).contains("no migration of kv is running");
        }
    }
}
