package dev.caravan.migration;

import dev.caravan.migration.testkit.AckedWrites;
import dev.caravan.migration.testkit.OwnershipCheck;
import dev.caravan.migration.testkit.Requests;
import dev.caravan.migration.testkit.TestCluster;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-JVM layer's plainest case: every mode moves a written-to kv process there and back. */
class OneJvmMigrationTest {
    private static TestCluster cluster;
    private static AckedWrites writes;

    @BeforeAll
    static void start() throws IOException {
        cluster = TestCluster.aCluster().withNodes(2).start();
        writes = new AckedWrites(cluster);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @ParameterizedTest
    @EnumSource(MigrationMode.class)
    void shouldMoveThereAndBackWithoutLosingAcknowledgedWrites(MigrationMode mode) throws Exception {
        String name = "kv-" + mode.name().toLowerCase(java.util.Locale.ROOT);
        cluster.node("n1").deploy(name, 8 << 20);
        assertThat(writes.fill(name, 2000, 1000)).isEqualTo(2000);
        MigrationReport there;
        MigrationReport back;
        AckedWrites.Background writer = writes.writeContinuously(name);
        try {
            there = cluster.node("n1").migrate(Requests.move(name, "n2", mode));
            back = cluster.node("n2").migrate(Requests.move(name, "n1", mode));
        } finally {
            writer.stop();
        }
        assertThat(there.outcome()).as(there.detail()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(back.outcome()).as(back.detail()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(cluster.owner(name).orElseThrow().node()).isEqualTo("n1");
        assertThat(cluster.owner(name).orElseThrow().epoch()).isEqualTo(3);
        OwnershipCheck.assertHolds(cluster, writes, mode + " there and back");
    }
}
