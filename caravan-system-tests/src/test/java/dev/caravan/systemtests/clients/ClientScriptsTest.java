package dev.caravan.systemtests.clients;

import dev.caravan.systemtests.clients.ClientTestBed.Target;
import dev.caravan.wire.node.MigrationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client scripts in {@code clients/} (redis-py from Debian's python3-redis, node-redis and ioredis from the npm
 * registry, each with its defaults) against a real redis-server (so the scripts themselves are known right), the kv
 * process's data endpoint and its stable endpoint, each without and with a password, and connected to the stable
 * endpoint across a migration. Each script prints one line per check and exits non-zero on any failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientScriptsTest {
    private ClientTestBed bed;

    @BeforeAll
    void start() throws Exception {
        ClientScript.assertInstalled();
        bed = ClientTestBed.start("scripts");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    Stream<Arguments> scriptsAndTargets() {
        return Stream.of(ClientScript.values())
                .flatMap(s -> bed.targets().stream().map(t -> Arguments.of(s, t)));
    }

    @ParameterizedTest(name = "{0} against {1}")
    @MethodSource("scriptsAndTargets")
    void shouldPassTheClientChecklist(ClientScript script, Target target) throws Exception {
        ClientScript.Run run = script.run(target, false, () -> { });

        CheckReport.assertAllPassed(script + " against " + target, run.lines(), CheckReport.checklist(target.password() != null));
        assertThat(run.exitCode()).as("%s exit code; output:\n%s", script, run.output()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientScript.class)
    void shouldKeepConnectionAndDataWhenNothingMovesOnRedisServer(ClientScript script) throws Exception {
        // The --hold steps with nothing moving, on the real thing: the script's across-the-move checks are right.
        ClientScript.Run run = script.run(bed.redisServer(), true, () -> { });

        CheckReport.assertAllPassed(script + " against redis-server (nothing moved)", run.lines(), acrossMoveChecks());
        assertThat(run.exitCode()).as("%s exit code; output:\n%s", script, run.output()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(ClientScript.class)
    void shouldKeepConnectionAndDataAcrossAMigration(ClientScript script) throws Exception {
        String suffix = "moving-" + script.name().toLowerCase(java.util.Locale.ROOT);
        Target target = bed.deployToMove(suffix);
        MigrationMode mode = script.migrationMode();

        ClientScript.Run run = script.run(target, true, () -> bed.migrate(suffix, mode));

        CheckReport.assertAllPassed(script + " connected to the " + target + " across a " + mode.label() + " migration",
                run.lines(), acrossMoveChecks());
        assertThat(run.exitCode()).as("%s exit code; output:\n%s", script, run.output()).isZero();
    }

    private static List<String> acrossMoveChecks() {
        List<String> names = new ArrayList<>(CheckReport.CHECKLIST);
        names.addAll(CheckReport.ACROSS_MOVE);
        return names;
    }

    /** The repository's {@code clients/} directory, found from the module's working directory upwards. */
    static Path clientsDir() throws IOException {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("clients/README.md"))) {
                return d.resolve("clients");
            }
        }
        throw new IOException("no clients/README.md above " + Path.of("").toAbsolutePath());
    }
}
