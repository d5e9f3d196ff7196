package dev.caravan.systemtests.clients;

import dev.caravan.systemtests.clients.ClientTestBed.Target;
import dev.caravan.wire.node.MigrationMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

/**
 * A Java client library with its defaults against a real redis-server (so the checks themselves are known right),
 * the kv process's data endpoint and its stable endpoint, each without and with a password, and connected to the
 * stable endpoint across a migration. One {@link ClientTestBed} per test class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JavaClientTestBase {
    private ClientTestBed bed;

    /** The library's name in messages and process names. */
    abstract String library();

    /** The mode of the migration this library's client is kept connected across. */
    abstract MigrationMode migrationMode();

    abstract ClientChecklist checklist(String host, int port, String password);

    @BeforeAll
    void start() throws Exception {
        bed = ClientTestBed.start(library());
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    List<Target> targets() {
        return bed.targets();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldPassTheClientChecklist(Target target) {
        try (CheckReport report = new CheckReport();
             ClientChecklist client = checklist(target.host(), target.port(), target.password())) {
            client.run(report, "a");

            report.assertAllPassed(library() + " against " + target, CheckReport.checklist(target.password() != null));
        }
    }

    @Test
    void shouldKeepConnectionDataAndOpenTransactionWhenNothingMovesOnRedisServer() {
        // The across-the-move steps with nothing moving, on the real thing: the checks themselves are right.
        Target target = bed.redisServer();
        try (CheckReport report = new CheckReport(); ClientChecklist client = checklist(target.host(), target.port(), null)) {
            client.runAcrossMove(report, () -> { });

            report.assertAllPassed(library() + " against " + target + " (nothing moved)", acrossMoveChecks());
        }
    }

    @Test
    void shouldKeepConnectionDataAndOpenTransactionAcrossAMigration() {
        Target target = bed.deployToMove("moving");
        try (CheckReport report = new CheckReport(); ClientChecklist client = checklist(target.host(), target.port(), null)) {
            client.runAcrossMove(report, () -> bed.migrate("moving", migrationMode()));

            report.assertAllPassed(library() + " connected to the " + target + " across a " + migrationMode().label()
                    + " migration", acrossMoveChecks());
        }
    }

    private static List<String> acrossMoveChecks() {
        List<String> names = new ArrayList<>(CheckReport.CHECKLIST);
        names.addAll(CheckReport.ACROSS_MOVE);
        names.addAll(List.of("transaction-opened", "transaction-across-move"));
        return names;
    }
}
