package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
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

/** The events a node publishes for its processes' lifecycle, on real nodes in this JVM. */
class NodeEventsTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final List<NodeDaemon> nodes = new ArrayList<>();

    private NodeDaemon start(String id) throws Exception {
        NodeConfig config = NodeConfig.loopback(id, 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve(id))
                .withProcessMemoryBytes(256 * MIB);
        NodeDaemon n = NodeDaemon.start(config, naming, Clock.system(), CodePolicy.allowUnsigned());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void stopAll() {
        nodes.forEach(NodeDaemon::close);
        naming.close();
    }

    private static List<EventKind> kinds(NodeDaemon n, String subject) {
        return n.events().about(subject, 100).stream().map(Event::kind).toList();
    }

    @Test
    void shouldNameTheEndpointsOfAStartedProcessAsPsDoes() throws Exception {
        NodeDaemon n1 = start("n1");
        n1.startProcess(new ProcessSpec("kv1", "kv", "", "", 8 * MIB, Map.of()));

        Event started = n1.events().about("kv1", 100).stream().filter(e -> e.kind() == EventKind.PROCESS_STARTED).findFirst()
                .orElseThrow();
        assertThat(started.message()).isEqualTo("kv1 started on n1: DATA ENDPOINT " + started.fields().get("data") + ", FRONT "
                + started.fields().get("front")).doesNotContain("stable");
        assertThat(started.fields().get("front")).isNotEmpty();
    }

    @Test
    void shouldPublishAMigrationsStepsInOrderAtBothEnds() throws Exception {
        NodeDaemon n1 = start("n1");
        NodeDaemon n2 = start("n2");
        n1.startProcess(new ProcessSpec("kv1", "kv", "", "", 8 * MIB, Map.of()));
        n1.call("kv1", 1, 1, Command.of("SET", "k", "v"));

        MigrationReport report = n1.migration().migrate(new MigrationRequest("kv1", "n2", MigrationMode.PRE_COPY, 50, 5, 2,
                false, "", ""), p -> { });

        assertThat(report.outcome()).isEqualTo(MigrationOutcome.COMMITTED);
        List<Event> src = n1.events().about("kv1", 100);
        assertThat(src).extracting(Event::kind).startsWith(EventKind.PROCESS_DEPLOYED, EventKind.PROCESS_STARTED,
                EventKind.MIGRATION_BEGUN).endsWith(EventKind.MIGRATION_COMMITTED);
        List<String> phases = src.stream().filter(e -> e.kind() == EventKind.MIGRATION_PHASE).map(e -> e.fields().get("phase"))
                .distinct().toList();
        assertThat(phases).containsExactly("rounds", "freeze", "last-pages", "switch-over", "committed");
        Event committed = src.getLast();
        assertThat(committed.fields()).containsEntry("to", "n2").containsEntry("outcome", "committed")
                .containsKeys("downtimeMs", "bytes", "rounds");
        assertThat(Long.parseLong(committed.fields().get("bytes"))).isPositive();
        assertThat(src).allSatisfy(e -> assertThat(e.source()).isEqualTo("n1"));

        assertThat(kinds(n2, "kv1")).containsExactly(EventKind.MIGRATION_BEGUN, EventKind.PROCESS_ARRIVED);
        assertThat(n2.events().about("kv1", 100).getLast().fields()).containsEntry("from", "n1").containsEntry("epoch", "2");
    }

    @Test
    void shouldPublishStopCordonDrainAndAFailedStart() throws Exception {
        NodeDaemon n1 = start("n1");
        start("n2");
        n1.startProcess(new ProcessSpec("kv1", "kv", "", "", 8 * MIB, Map.of()));
        n1.startProcess(new ProcessSpec("kv2", "kv", "", "", 8 * MIB, Map.of()));
        n1.stopProcess("kv2");
        assertThat(kinds(n1, "kv2")).containsExactly(EventKind.PROCESS_DEPLOYED, EventKind.PROCESS_STARTED,
                EventKind.PROCESS_STOPPED);

        n1.drain(new DrainRequest(MigrationMode.PRE_COPY, 50, 30_000, 2), step -> { });
        n1.setSchedulable(true);
        assertThat(kinds(n1, "n1")).containsSubsequence(EventKind.DAEMON_STARTED, EventKind.NODE_DRAIN_BEGUN,
                EventKind.NODE_CORDONED, EventKind.NODE_DRAINED, EventKind.NODE_UNCORDONED);
        assertThat(n1.events().about("n1", 100).stream().filter(e -> e.kind() == EventKind.NODE_DRAINED).findFirst()
                .orElseThrow().fields()).containsEntry("moved", "1").containsEntry("drained", "true");
        assertThat(kinds(n1, "kv1")).contains(EventKind.MIGRATION_COMMITTED);

        try {
            n1.startProcess(new ProcessSpec("bad", "no-such-sample", "", "", 8 * MIB, Map.of()));
        } catch (RuntimeException expected) {
            // The refusal is the test's subject only through its event.
        }
        assertThat(n1.events().about("bad", 10)).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(EventKind.PROCESS_FAILED);
            assertThat(e.message()).startsWith("bad failed to start on n1: ");
        });
    }
}
