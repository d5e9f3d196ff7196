package dev.caravan.node.sandbox;

import dev.caravan.node.NodeDaemon;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.caravan.node.sandbox.SandboxFixture.deploy;
import static dev.caravan.node.sandbox.SandboxFixture.sandboxed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A host's drain ({@code caravan drain HOST}) and its drain before shutdown (SIGTERM) move its
 * sandboxed processes to the other host's sandbox of the same slice, with their data, instead of
 * stopping them with the host; the sandboxes follow their host's uncordon.
 */
class SandboxHostDrainTest {
    private static final Reply.Bulk VALUE = new Reply.Bulk("kept".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;
    private SandboxFixture fx;

    @BeforeEach
    void start() throws IOException {
        fx = new SandboxFixture(tmp);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void shouldMoveSandboxedProcessesToAnotherHostsSandboxWhenTheHostDrainsOrStops() throws Exception {
        NodeDaemon h1 = fx.host("drain");
        NodeDaemon h2 = fx.host("drain");
        ProcessInfo kv = deploy(h1, new ProcessSpec("kv-d", "kv", "", "", 4 << 20, sandboxed("a")));
        assertThat(kv.node()).isEqualTo(h1.nodeId() + SandboxRole.SEPARATOR + "a");
        try (RespConnection c = new RespConnection(fx.dataOf("kv-d"))) {
            assertThat(c.call("SET", "k", "kept")).isEqualTo(Reply.OK);
        }

        // caravan drain h1: its sandbox's process goes to h2's sandbox of slice a, with its data.
        List<DrainStep> steps = new CopyOnWriteArrayList<>();
        DrainReport report = drain(h1, steps);
        assertThat(report.drained()).as(report.toString()).isTrue();
        // The step names the host placement chose; the process is in that host's sandbox.
        assertThat(report.processes()).extracting(DrainStep::name, DrainStep::stage, DrainStep::toNode)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("kv-d", DrainStep.Stage.MOVED, h2.nodeId()));
        assertThat(steps).extracting(DrainStep::stage).contains(DrainStep.Stage.MOVING, DrainStep.Stage.MOVED);
        assertThat(fx.lookup("process/kv-d").orElseThrow().node()).isEqualTo(h2.nodeId() + SandboxRole.SEPARATOR + "a");
        assertGet();

        // h1 takes processes again, its sandbox too; h2 stops (SIGTERM): kv-d comes back into h1's sandbox.
        try (FrameClient c = FrameClient.connect(h1.controlAddress(), new Hello("test", ""), Duration.ofSeconds(30))) {
            c.call(Op.NODE_UNCORDON, new byte[0], Duration.ofSeconds(30)).expectOk();
        }
        h2.drainBeforeShutdown(60_000, "got SIGTERM");
        assertThat(fx.lookup("process/kv-d").orElseThrow().node()).isEqualTo(h1.nodeId() + SandboxRole.SEPARATOR + "a");
        assertGet();
        assertThat(h2.events().since(0)).anySatisfy(e -> assertThat(e.message())
                .contains("got SIGTERM: draining 1 process(es) first (kv-d)"))
                .anySatisfy(e -> assertThat(e.message()).contains("got SIGTERM: drained, every process runs elsewhere"));
    }

    private void assertGet() throws IOException {
        try (RespConnection c = new RespConnection(fx.dataOf("kv-d"))) {
            assertThat(c.call("GET", "k")).isEqualTo(VALUE);
        }
    }

    private static DrainReport drain(NodeDaemon host, List<DrainStep> steps) {
        try (FrameClient c = FrameClient.connect(host.controlAddress(), new Hello("test", ""), Duration.ofSeconds(30), (Frame f) -> {
            if (f.type() == Op.EVENT) {
                steps.add(DrainStep.readFrom(f.reader()));
            }
        })) {
            BodyWriter w = new BodyWriter();
            DrainRequest.DEFAULTS.writeTo(w);
            return DrainReport.readFrom(c.call(Op.NODE_DRAIN, w.toBytes(), Duration.ofMinutes(2)).expectOk());
        }
    }
}
