package dev.caravan.systemtests;

import dev.caravan.client.NodeControl;
import dev.caravan.templates.ProcessProject;
import dev.caravan.templates.ProcessProjectWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A process author's path, end to end: the project {@code caravan new process} writes is built by Maven with the
 * repository's wrapper (its own JUnit test runs), its jar is deployed as a bundle on a real cluster, called, migrated
 * by pre-copy, and keeps its counters (paged memory) and its title and hit count (object state).
 *
 * <p>The generated pom resolves the Caravan modules from the local Maven repository, as a newcomer's build does:
 * {@code ./caravan test} runs {@code ./mvnw install}, which installs every module before this one runs. The child
 * Maven inherits this JVM's environment, so {@code MAVEN_ARGS} can point it at another local repository.
 */
@Tag("slow")
class GeneratedProcessProjectTest {
    private static final String NAME = "hit-board";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    @TempDir
    Path tmp;

    @Test
    void shouldBuildDeployCallAndMigrateTheGeneratedProjectWithItsStateIntact() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Path project = tmp.resolve(NAME);
        ProcessProject p = ProcessProject.of(NAME, null);
        ProcessProjectWriter.write(p, project, repo);

        Path jar = build(repo, project);

        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            c.deployBundle(NAME, Files.readAllBytes(jar), p.processClass(), "n1");
            assertThat(c.client().call(NAME, "HIT", "7", "41")).isEqualTo(Reply.integer(41));
            assertThat(c.client().call(NAME, "HIT", "7")).isEqualTo(Reply.integer(42));
            assertThat(c.client().call(NAME, "TITLE", "survivor")).isEqualTo(Reply.OK);
            assertThat(c.client().call(NAME, "HIT", "65536"))
                    .as("a thrown CaravanException reaches the client as an error reply")
                    .isEqualTo(Reply.error("ERR slot must be an integer from 0 to 65535"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nodeLog(c, "n1"))
                    .as("log() goes to the node's log, tagged with the process name")
                    .contains("INFO " + NAME + ": started with 65536 counters"));

            MigrationReport r = NodeControl.migrate(c.controlAddress("n1"), "", new MigrationRequest(NAME, "n2",
                    MigrationMode.PRE_COPY, 50, 30, 2, false, "", ""), progress -> { }, Duration.ofMinutes(1));

            assertThat(r.outcome().label()).isEqualTo("committed");
            assertThat(c.client().resolve(NAME)).get().extracting(l -> l.node()).isEqualTo("n2");
            assertThat(c.client().call(NAME, "GET", "7")).as("paged memory moved").isEqualTo(Reply.integer(42));
            Reply stats = c.client().call(NAME, "STATS");
            assertThat(((Reply.Array) stats).items().subList(0, 2)).as("object state moved")
                    .isEqualTo(List.of(Reply.bulk("survivor"), Reply.integer(2)));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(nodeLog(c, "n2"))
                    .contains("INFO " + NAME + ": arrived at epoch"));
        }
    }

    /** Runs {@code ./mvnw -o -q package} on the generated project; returns its jar. */
    private Path build(Path repo, Path project) throws Exception {
        Path log = tmp.resolve("build.log");
        ProcessBuilder pb = new ProcessBuilder(repo.resolve("mvnw").toString(), "-o", "-q", "-B", "-ntp",
                "-f", project.resolve("pom.xml").toString(), "package")
                .directory(project.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        Process mvn = pb.start();
        if (!mvn.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            mvn.destroyForcibly().waitFor();
            throw new AssertionError("building the generated project took over " + BUILD_TIMEOUT + "; its output:\n"
                    + Files.readString(log));
        }
        assertThat(mvn.exitValue()).as("""
                './mvnw -o -q package' on the generated project failed. If it cannot resolve dev.caravan artifacts, \
                install them first (./caravan test does; or ./mvnw install -DskipTests). Its output:
                %s""", Files.readString(log)).isZero();
        Path jar = project.resolve("target").resolve(NAME + ".jar");
        assertThat(jar).exists();
        assertThat(Files.readString(log)).as("the generated test ran").contains("started with 65536 counters");
        return jar;
    }

    private static String nodeLog(CaravanCluster c, String node) throws java.io.IOException {
        return Files.readString(c.workDir().resolve("logs").resolve(node + ".log"));
    }
}
