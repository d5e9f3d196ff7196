package dev.caravan.systemtests;

import dev.caravan.client.CheckpointRestorer;
import dev.caravan.client.KvFiller;
import dev.caravan.client.NodeControl;
import dev.caravan.testsupport.AckedWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.ProcessInfo;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Checkpoints taken while the process runs, restored on any node; bad files are refused. */
@Tag("slow")
class CheckpointTest {
    @TempDir
    Path dir;

    private static MigrationReport checkpoint(CaravanCluster c, String name, Path file) {
        InetSocketAddress at = c.client().resolve(name).orElseThrow().control();
        try (FrameClient f = FrameClient.connect(at, new Hello("test", ""), Duration.ofSeconds(10))) {
            return MigrationReport.readFrom(f.call(Op.NODE_CHECKPOINT,
                    new BodyWriter().string(name).string(file.toString()).toBytes(), Duration.ofMinutes(1)).expectOk());
        }
    }

    @Test
    void shouldRestoreAConsistentCheckpointTakenUnderWritesOnAnotherNode() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            ProcessInfo kv = c.deployKv("kv", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 20_000, 200);
            AckedWriter writers = new AckedWriter(CaravanCluster.frontAddress(kv), 3);
            await().atMost(10, TimeUnit.SECONDS).until(() -> writers.totalAcked() > 300);
            Path file = dir.resolve("kv.ckpt");
            MigrationReport r = checkpoint(c, "kv", file);
            writers.stop();
            assertThat(writers.failures()).isEmpty();
            assertThat(r.outcome().label()).isEqualTo("checkpointed");
            assertThat(Files.size(file)).isGreaterThan(20_000L * 200);
            MigrationReport restored = new CheckpointRestorer(c.client(), "").restore(file, "n2", c.controlAddress("n2"), "kv-restored");
            assertThat(restored.outcome().label()).isEqualTo("restored");
            assertThat(c.client().resolve("kv-restored").orElseThrow().node()).isEqualTo("n2");
            assertThat(c.client().call("kv-restored", "GET", "key:19999")).isEqualTo(c.client().call("kv", "GET", "key:19999"));
            // Consistent: each writer's counter and its writes agree (a torn copy would not).
            for (int t = 0; t < 3; t++) {
                Reply counter = c.client().call("kv-restored", "GET", "c:" + t);
                long n = Long.parseLong(((Reply.Bulk) counter).text());
                assertThat(c.client().call("kv-restored", "GET", "w:" + t + ":" + n)).isEqualTo(Reply.bulk(Long.toString(n)));
                assertThat(c.client().call("kv-restored", "GET", "w:" + t + ":" + (n + 1))).isEqualTo(Reply.NIL);
            }
            // The restored copy is a process of its own, with a stable endpoint of its own.
            ProcessInfo info = c.control("n2").inspect("kv-restored");
            assertThat(info.front()).isNotEmpty();
            assertThatThrownBy(() -> new CheckpointRestorer(c.client(), "").restore(file, "n2", c.controlAddress("n2"), null))
                    .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ALREADY_EXISTS));
        }
    }

    @Test
    void shouldRefuseCorruptOrTruncatedCheckpointsAndLeaveNothingBehind() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            ProcessInfo kv = c.deployKv("kv", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 2_000, 100);
            Path file = dir.resolve("kv.ckpt");
            checkpoint(c, "kv", file);
            byte[] good = Files.readAllBytes(file);
            Path truncated = dir.resolve("truncated.ckpt");
            Files.write(truncated, Arrays.copyOf(good, good.length / 2));
            Path flipped = dir.resolve("flipped.ckpt");
            byte[] bad = good.clone();
            bad[bad.length / 2] ^= 0x40;
            Files.write(flipped, bad);
            Path garbage = dir.resolve("garbage.ckpt");
            Files.writeString(garbage, "not a checkpoint at all");
            for (Path p : new Path[] {truncated, flipped, garbage}) {
                assertThatThrownBy(() -> new CheckpointRestorer(c.client(), "").restore(p, "n2", c.controlAddress("n2"), "copy"))
                        .as(p.getFileName().toString())
                        .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED));
                assertThat(c.client().resolve("copy")).isEmpty();
                await().atMost(5, TimeUnit.SECONDS).until(() -> c.control("n2").list().isEmpty());
            }
        }
    }

    @Test
    void shouldRecoverAPostCopyProcessThatLostItsSourceFromTheLastCheckpoint() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).expectingErrors(Pattern.compile("lost")).start()) {
            ProcessInfo kv = c.deployKv("kv", "n1");
            KvFiller.fill(CaravanCluster.dataAddress(kv), 40_000, 500);
            Path file = dir.resolve("kv.ckpt");
            checkpoint(c, "kv", file);
            InetSocketAddress at = c.client().resolve("kv").orElseThrow().control();
            assertThatThrownBy(() -> NodeControl.migrate(at, "", new MigrationRequest("kv", "n2", MigrationMode.POST_COPY, 50, 30,
                    2, false, "", "source:halt:push"), p -> { }, Duration.ofMinutes(1))).isInstanceOf(CaravanException.class);
            InetSocketAddress data = CaravanCluster.dataAddress(c.control("n2").inspect("kv"));
            try (var conn = new dev.caravan.wire.resp.RespConnection(data)) {
                for (int i = 0; i < 40_000 && !"FAILED".equals(c.control("n2").inspect("kv").state()); i += 100) {
                    conn.call("GET", "key:" + i);
                }
            }
            assertThat(c.control("n2").inspect("kv").state()).isEqualTo("FAILED");
            c.control("n2").stop("kv");
            new CheckpointRestorer(c.client(), "").restore(file, "n2", c.controlAddress("n2"), null);
            assertThat(c.client().call("kv", "GET", "key:39999")).isInstanceOf(Reply.Bulk.class);
            assertThat(c.client().resolve("kv").orElseThrow().node()).isEqualTo("n2");
        }
    }
}
