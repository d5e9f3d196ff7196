package dev.caravan.node.sandbox;

import dev.caravan.node.NodeDaemon;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.caravan.node.sandbox.SandboxFixture.deploy;
import static dev.caravan.node.sandbox.SandboxFixture.sandboxed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A sandboxed kv process of slice A moves between two hosts in every migration mode while a
 * client reads it through its stable endpoint: {@code migrate kv --to <host>} ends with kv in
 * that host's sandbox of slice A (started on demand), every read answers the value written.
 */
class SandboxMigrationTest {
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
    void shouldMoveASandboxedProcessIntoTheDestinationsSandboxOfItsSliceInEveryMode() throws Exception {
        NodeDaemon h1 = fx.host("mig");
        NodeDaemon h2 = fx.host("mig");
        ProcessInfo kv = deploy(h1, new ProcessSpec("kv-a", "kv", "", "", 4 << 20, sandboxed("a")));
        assertThat(kv.node()).isEqualTo(h1.nodeId() + SandboxRole.SEPARATOR + "a");
        InetSocketAddress front = parse(kv.front());
        try (RespConnection c = new RespConnection(front)) {
            for (int i = 0; i < 500; i++) {
                assertThat(c.call("SET", "key:" + i, "value:" + i)).isEqualTo(Reply.OK);
            }
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong reads = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread reader = Thread.ofPlatform().name("reader").start(() -> {
            try (RespConnection c = new RespConnection(front)) {
                for (long i = 0; reading.get(); i++) {
                    int k = (int) (i % 500);
                    Reply r = c.call("GET", "key:" + k);
                    if (!(r instanceof Reply.Bulk b) || !new String(b.value(), StandardCharsets.UTF_8).equals("value:" + k)) {
                        failures.add("GET key:" + k + " -> " + r);
                    }
                    reads.incrementAndGet();
                }
            } catch (IOException | RuntimeException e) {
                failures.add(e.toString());
            }
        });
        try {
            NodeDaemon to = h2;
            for (MigrationMode mode : MigrationMode.values()) {
                long before = reads.get();
                await().atMost(20, TimeUnit.SECONDS).until(() -> reads.get() > before + 50 || !failures.isEmpty());
                MigrationReport report = migrate("kv-a", to.nodeId(), mode);
                assertThat(report.outcome().label()).as(mode + ": " + report).isEqualTo("committed");
                String sandbox = to.nodeId() + SandboxRole.SEPARATOR + "a";
                assertThat(fx.lookup("process/kv-a").orElseThrow().node()).as(mode.toString()).isEqualTo(sandbox);
                assertThat(fx.lookup("node/" + sandbox).orElseThrow().attributes()).containsEntry(SandboxRole.SANDBOX_OF, to.nodeId());
                long after = reads.get();
                await().atMost(20, TimeUnit.SECONDS).until(() -> reads.get() > after + 50 || !failures.isEmpty());
                assertThat(failures).as(mode.toString()).isEmpty();
                to = to == h2 ? h1 : h2;
            }
        } finally {
            reading.set(false);
            reader.join(Duration.ofSeconds(30));
        }
        assertThat(failures).isEmpty();
        assertThat(h1.sandboxes().orElseThrow().pids()).containsOnlyKeys("a");
        assertThat(h2.sandboxes().orElseThrow().pids()).containsOnlyKeys("a");

        // Draining a sandbox moves its processes into other hosts' sandboxes of the slice, never into a host's JVM.
        String from = fx.lookup("process/kv-a").orElseThrow().node();
        DrainReport drained = drain(fx.controlOf("kv-a"));
        assertThat(drained.drained()).as(drained.toString()).isTrue();
        String now = fx.lookup("process/kv-a").orElseThrow().node();
        assertThat(now).isNotEqualTo(from).contains(SandboxRole.SEPARATOR + "a");
        try (RespConnection c = new RespConnection(fx.dataOf("kv-a"))) {
            assertThat(c.call("GET", "key:7")).isEqualTo(new Reply.Bulk("value:7".getBytes(StandardCharsets.UTF_8)));
        }
        // An in-node process cannot be moved into a sandbox, and a sandboxed one cannot move into its host's JVM.
        deploy(h1, new ProcessSpec("kv-plain", "kv", "", "", 1 << 20, java.util.Map.of()));
        String outcome;
        try {
            outcome = migrate("kv-plain", now, MigrationMode.STOP_AND_COPY).outcome().label();
        } catch (dev.caravan.wire.CaravanException e) {
            outcome = e.getMessage();
        }
        assertThat(outcome).isNotEqualTo("committed");
        assertThat(fx.lookup("process/kv-plain").orElseThrow().node()).isEqualTo(h1.nodeId());
    }

    private DrainReport drain(InetSocketAddress control) {
        try (FrameClient c = FrameClient.connect(control, new Hello("test", ""), Duration.ofSeconds(30), f -> { })) {
            BodyWriter w = new BodyWriter();
            DrainRequest.DEFAULTS.writeTo(w);
            return DrainReport.readFrom(c.call(Op.NODE_DRAIN, w.toBytes(), Duration.ofMinutes(2)).expectOk());
        }
    }

    private MigrationReport migrate(String name, String to, MigrationMode mode) {
        try (FrameClient c = FrameClient.connect(fx.controlOf(name), new Hello("test", ""), Duration.ofSeconds(30), f -> { })) {
            BodyWriter w = new BodyWriter();
            new MigrationRequest(name, to, mode, 200, 30, 2, false, "", "").writeTo(w);
            return MigrationReport.readFrom(c.call(Op.NODE_MIGRATE, w.toBytes(), Duration.ofMinutes(2)).expectOk());
        }
    }

    private static InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
