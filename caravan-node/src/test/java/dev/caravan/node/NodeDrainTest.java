package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Cordon, status and drain on real nodes in this JVM (shared in-memory naming, real control ports). */
class NodeDrainTest {
    private static final long MIB = 1L << 20;
    private static final long KV_BYTES = 8 * MIB;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<NodeDaemon> nodes = new ArrayList<>();

    private NodeDaemon start(String id, long processMemoryBytes) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id))
                .withProcessMemoryBytes(processMemoryBytes);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeDaemon::close);
        naming.close();
    }

    private static void deployKv(NodeDaemon n, String name) throws Exception {
        n.startProcess(new ProcessSpec(name, "kv", "", "", KV_BYTES, Map.of()));
    }

    private String ownerOf(String process) {
        return naming.lookup("process/" + process).map(NamingEntry::node).orElse("?");
    }

    @Test
    void shouldRefuseStartsWhileCordonedAndPublishIt() throws Exception {
        NodeDaemon n1 = start("n1", 64 * MIB);
        assertThat(n1.setSchedulable(false).schedulable()).isFalse();
        assertThat(naming.lookup("node/n1").orElseThrow().attributes()).containsEntry("schedulable", "false");
        assertThatThrownBy(() -> deployKv(n1, "kv1")).isInstanceOfSatisfying(CaravanException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNSCHEDULABLE);
            assertThat(e.getMessage()).contains("caravan uncordon n1");
        });
        assertThat(n1.setSchedulable(true).schedulable()).isTrue();
        assertThat(naming.lookup("node/n1").orElseThrow().attributes()).containsEntry("schedulable", "true");
        deployKv(n1, "kv1");
        assertThat(n1.status()).satisfies(s -> {
            assertThat(s.processCount()).isEqualTo(1);
            assertThat(s.reservedBytes()).isEqualTo(KV_BYTES);
            assertThat(s.freeBytes()).isEqualTo(56 * MIB);
        });
    }

    @Test
    void shouldMoveEveryProcessToNodesWithRoomKeepingData() throws Exception {
        NodeDaemon n1 = start("n1", 64 * MIB);
        start("n2", 20 * MIB);
        start("n3", 24 * MIB);
        for (String p : List.of("kv1", "kv2", "kv3")) {
            deployKv(n1, p);
            n1.call(p, 1, 0, Command.of("SET", "k", "v-" + p));
        }
        List<DrainStep> events = new ArrayList<>();
        DrainReport report = n1.drain(DrainRequest.DEFAULTS, events::add);

        assertThat(report.drained()).as(report.toString()).isTrue();
        assertThat(report.processes()).extracting(DrainStep::stage).containsOnly(DrainStep.Stage.MOVED);
        // kv1 → n3 (24 MiB free), then n2 (20) has more room than n3 (16 with kv1 planned) → kv2 → n2, kv3 → n3.
        assertThat(List.of(ownerOf("kv1"), ownerOf("kv2"), ownerOf("kv3")))
                .containsExactly("n3", "n2", "n3");
        assertThat(events).filteredOn(s -> s.stage() == DrainStep.Stage.MOVING).hasSize(3);
        assertThat(n1.status().processCount()).isZero();
        assertThat(n1.status().schedulable()).isFalse();
        for (NodeDaemon n : nodes.subList(1, 3)) {
            for (String p : List.of("kv1", "kv2", "kv3")) {
                if (n.hostsProcess(p)) {
                    assertThat(n.call(p, 1, 0, Command.of("GET", "k")).toString()).contains("v-" + p);
                }
            }
        }
    }

    @Test
    void shouldFailWithTheListOfProcessesThatHaveNoRoom() throws Exception {
        NodeDaemon n1 = start("n1", 64 * MIB);
        start("n2", 12 * MIB);
        deployKv(n1, "kv1");
        deployKv(n1, "kv2");
        DrainReport report = n1.drain(DrainRequest.DEFAULTS, s -> { });
        assertThat(report.drained()).isFalse();
        assertThat(report.stayed()).singleElement().satisfies(s -> assertThat(s.detail()).contains("8 MiB free"));
        assertThat(n1.status().processCount()).isEqualTo(1);
        assertThat(n1.status().schedulable()).isFalse();
    }
}
