package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.Lease;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node cut off from naming for longer than its lease comes back: it re-registers what it still
 * owns and stops the copies that another node took over meanwhile — whether they moved on (a
 * higher epoch) or were started there afresh (the same epoch under the other node's lease) — but
 * leaves a process whose migration from it is committing to that migration.
 */
class NodeReregistrationTest {
    private static final long LEASE_MS = 400;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private NodeDaemon node;
    private NodeDaemon other;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        if (other != null) {
            other.close();
        }
        naming.close();
    }

    private NodeDaemon startCutOffable(String id) throws Exception {
        NodeConfig config = new NodeConfig(id, "127.0.0.1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id),
                LEASE_MS, "", 4096, Map.of());
        return NodeDaemon.start(config, new GatedNaming(naming, reachable), Clock.system(), CodePolicy.allowUnsigned());
    }

    /** Cuts the node off from naming until it is fenced and naming has let its lease go. */
    private void cutOffPastTheLease(NodeDaemon n, String id) {
        reachable.set(false);
        await(id + " fenced").atMost(Duration.ofSeconds(5)).until(() -> !n.ownsProcesses());
        await(id + "'s lease expired in naming").atMost(Duration.ofSeconds(5))
                .until(() -> naming.expireLeases() >= 0 && naming.lookup("node/" + id).isEmpty());
    }

    @Test
    void shouldComeBackAndStopItsCopyOfAProcessStartedOnAnotherNodeWhileItWasCutOff() throws Exception {
        node = startCutOffable("n1");
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar).close();
        String bundle = node.putBundle(jar.toByteArray(), "");
        ProcessInfo stays = node.startProcess(new ProcessSpec("stays", "", bundle, SessionCounter.class.getName(), 1 << 20, Map.of()));
        node.startProcess(new ProcessSpec("taken", "", bundle, SessionCounter.class.getName(), 1 << 20, Map.of()));

        cutOffPastTheLease(node, "n1");
        // Meanwhile "taken" is started on n2, at epoch 1 as every fresh start.
        Lease n2 = naming.openLease("node/n2", 60_000);
        naming.register(n2.id(), new NamingEntry("process/taken", "n2", "127.0.0.1", 2, 1, Map.of(), n2.id()));

        reachable.set(true);
        await("n1 answers again").atMost(Duration.ofSeconds(5)).until(node::ownsProcesses);
        assertThat(naming.lookup("process/stays")).get().extracting(NamingEntry::node, NamingEntry::epoch)
                .containsExactly("n1", stays.epoch());
        assertThat(naming.lookup("process/taken")).get().extracting(NamingEntry::node).isEqualTo("n2");
        await("n1's stale copy of taken stopped").atMost(Duration.ofSeconds(5))
                .until(() -> node.list().stream().noneMatch(p -> p.name().equals("taken")));
    }

    @Test
    void shouldLeaveAProcessWhoseCommitIsOutToItsMigrationWhenItComesBackToFindItsNewEpoch() throws Exception {
        node = startCutOffable("n1");
        // The destination holds its answer to MIG_COMMIT for 2 s after it registered the new epoch.
        NodeConfig n2 = new NodeConfig("n2", "127.0.0.1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve("n2"), 3000, "",
                4096, Map.of()).withMigration(dev.caravan.migration.MigrationSettings.defaults().withFaultPauseMs(2000));
        other = NodeDaemon.start(n2, naming, Clock.system(), CodePolicy.allowUnsigned());
        ProcessInfo kv = node.startProcess(new ProcessSpec("kv", "kv", "", "", 16L << 20, Map.of()));
        try (TestRespClient c = new TestRespClient(new InetSocketAddress(kv.dataHost(), kv.dataPort()))) {
            for (int i = 0; i < 2000; i++) {
                assertThat(c.call("SET", "k:" + i, "v".repeat(200) + i)).isEqualTo(Reply.OK);
            }
        }
        java.util.concurrent.CompletableFuture<MigrationReport> moved = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                moved.complete(node.migration().migrate(new MigrationRequest("kv", "n2", MigrationMode.POST_COPY, 50, 30, 2, false,
                        "", "dest:pause:committed"), p -> { }));
            } catch (Exception | Error e) {
                moved.completeExceptionally(e);
            }
        });
        await("n2 registered epoch 2").atMost(Duration.ofSeconds(10))
                .until(() -> naming.lookup("process/kv").map(NamingEntry::epoch).orElse(0L) == 2);

        // n1 loses naming before the answer comes, and is back (re-registered) before it does.
        cutOffPastTheLease(node, "n1");
        reachable.set(true);
        await("n1 answers again").atMost(Duration.ofSeconds(5)).until(node::ownsProcesses);

        MigrationReport r = moved.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.outcome()).as(r.detail()).isEqualTo(MigrationOutcome.COMMITTED);
        assertThat(r.detail()).as("post-copy's push").doesNotContain("failed");
        ProcessInfo there = other.list().stream().filter(p -> p.name().equals("kv")).findFirst().orElseThrow();
        try (TestRespClient c = new TestRespClient(new InetSocketAddress(there.dataHost(), there.dataPort()))) {
            for (int i = 0; i < 2000; i += 97) {
                assertThat(c.call("GET", "k:" + i)).as("k:%d at n2", i).isEqualTo(Reply.bulk("v".repeat(200) + i));
            }
        }
        assertThat(other.list()).filteredOn(p -> p.name().equals("kv")).extracting(ProcessInfo::state).containsExactly("RUNNING");
    }
}
