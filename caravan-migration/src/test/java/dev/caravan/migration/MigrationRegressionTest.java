package dev.caravan.migration;

import dev.caravan.core.process.ProcessState;
import dev.caravan.migration.testkit.AckedWrites;
import dev.caravan.migration.testkit.OwnershipCheck;
import dev.caravan.migration.testkit.Requests;
import dev.caravan.migration.testkit.TestCluster;
import dev.caravan.migration.testkit.TestNode;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fixed cases for defects found in the engine, each on a fresh two-node one-JVM cluster, each
 * ending with {@link OwnershipCheck}.
 */
class MigrationRegressionTest {
    /** The test settings with injected pauses long enough to act during them (300 ms). */
    private static final MigrationSettings SETTINGS = TestCluster.fastSettings().withFaultPauseMs(300);

    private TestCluster cluster;
    private AckedWrites writes;
    private TestNode n1;
    private TestNode n2;

    @BeforeEach
    void start() throws Exception {
        cluster = TestCluster.aCluster().withNodes(2).withSettings(SETTINGS).start();
        writes = new AckedWrites(cluster);
        n1 = cluster.node("n1");
        n2 = cluster.node("n2");
    }

    @AfterEach
    void close() {
        cluster.close();
    }

    private void deploy(String name, TestNode on) throws InterruptedException {
        on.deploy(name, 4 << 20);
        assertThat(writes.fill(name, 300, 1000)).isEqualTo(300);
    }

    private static <T> CompletableFuture<T> async(java.util.concurrent.Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    @Test
    void shouldNotHangHandingOffQueuedCommandsToADestinationFrozenAfterItsCommit() throws Exception {
        deploy("kv1", n1);
        n2.freezeAfterNextCommit();
        CompletableFuture<MigrationReport> moving = async(() ->
                n1.migrate(Requests.move("kv1", "n2", MigrationMode.STOP_AND_COPY, "source:pause:freeze")));
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.process("kv1").map(p -> p.state() == ProcessState.SUSPENDED)
                .orElse(false));
        CompletableFuture<Boolean> queued = async(() -> writes.write("kv1"));
        await().atMost(Duration.ofSeconds(5)).until(() -> n1.process("kv1").map(p -> p.runner().queuedCommands() > 0)
                .orElse(true));

        // The hand-off forwards the queued write to a destination that accepts and never answers.
        MigrationReport r = moving.get(SETTINGS.commitTimeoutMs() + 5_000, TimeUnit.MILLISECONDS);

        assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
        n2.thaw();
        queued.get(10, TimeUnit.SECONDS);
        OwnershipCheck.assertHolds(cluster, writes, "after the frozen destination thawed");
    }

    @Test
    void shouldKeepAPostCopyProcessWhoseCommitAnswerWasLost() throws Exception {
        deploy("kv1", n1);
        AckedWrites.Background writer = writes.writeContinuously("kv1");
        MigrationReport r;
        try {
            r = n1.migrate(Requests.move("kv1", "n2", MigrationMode.POST_COPY, "dest:cut:committed"));
        } finally {
            writer.stop();
        }

        // Naming says the destination registered: the source hands off and still owes it the missing pages.
        assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(cluster.owner("kv1").orElseThrow().node()).isEqualTo("n2");
        assertThat(n2.process("kv1").orElseThrow().state()).isEqualTo(ProcessState.RUNNING);
        assertThat(n2.process("kv1").orElseThrow().memory().missingPageCount()).isZero();
        OwnershipCheck.assertHolds(cluster, writes, "post-copy with its commit answer lost");
    }
}
