package dev.caravan.systemtests;

import dev.caravan.client.KvFiller;
import dev.caravan.testsupport.AckedWriter;
import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.NodeStatus;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Cordon, drain, uncordon and SIGTERM's self-drain on real node JVMs. */
@Tag("slow")
class DrainTest {
    static DrainReport drain(CaravanCluster c, String node, List<DrainStep> steps) {
        try (FrameClient f = FrameClient.connect(c.controlAddress(node), new Hello("test", ""), Duration.ofSeconds(10),
                e -> steps.add(DrainStep.readFrom(e.reader())))) {
            BodyWriter w = new BodyWriter();
            DrainRequest.DEFAULTS.writeTo(w);
            return DrainReport.readFrom(f.call(Op.NODE_DRAIN, w.toBytes(), Duration.ofMinutes(3)).expectOk());
        }
    }

    private static NodeStatus statusCall(CaravanCluster c, String node, int op) {
        try (FrameClient f = FrameClient.connect(c.controlAddress(node), new Hello("test", ""), Duration.ofSeconds(10))) {
            return NodeStatus.readFrom(f.call(op, new byte[0], Duration.ofSeconds(10)).expectOk());
        }
    }

    /** Waits (bounded) until the node's log holds every line: its output is copied to the file by another thread. */
    private static void awaitLog(CaravanCluster c, String node, String... lines) {
        await().atMost(15, TimeUnit.SECONDS).untilAsserted(() -> assertThat(Files.readString(c.node(node).log())).contains(lines));
    }

    @Test
    void shouldDrainANodeUnderLoadThenRefuseDeploysUntilUncordonedAndDrainItselfOnSigterm() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(3).start()) {
            List<ProcessInfo> kvs = new ArrayList<>();
            List<AckedWriter> writers = new ArrayList<>();
            for (String name : List.of("kv1", "kv2", "kv3")) {
                ProcessInfo kv = c.deployKv(name, "n1");
                KvFiller.fill(CaravanCluster.dataAddress(kv), 5_000, 100);
                kvs.add(kv);
            }
            try {
                for (ProcessInfo kv : kvs) {
                    writers.add(new AckedWriter(CaravanCluster.frontAddress(kv), 2));
                }
                await().atMost(20, TimeUnit.SECONDS).until(() -> writers.stream().allMatch(w -> w.totalAcked() > 100));
                List<DrainStep> steps = new CopyOnWriteArrayList<>();
                DrainReport report = drain(c, "n1", steps);
                long ackedAtEnd = writers.stream().mapToLong(AckedWriter::totalAcked).sum();
                await().atMost(20, TimeUnit.SECONDS).until(() -> writers.stream().mapToLong(AckedWriter::totalAcked).sum()
                        > ackedAtEnd + 300 || writers.stream().anyMatch(w -> !w.failures().isEmpty()));
                for (AckedWriter w : writers) {
                    w.stop();
                }
                assertThat(report.drained()).as(report.toString()).isTrue();
                assertThat(report.processes()).extracting(DrainStep::stage).containsOnly(DrainStep.Stage.MOVED);
                assertThat(steps).filteredOn(s -> s.stage() == DrainStep.Stage.MOVING).hasSize(3);
                for (AckedWriter w : writers) {
                    assertThat(w.failures()).isEmpty();
                }
                for (int i = 0; i < kvs.size(); i++) {
                    writers.get(i).assertNothingLost(CaravanCluster.frontAddress(kvs.get(i)));
                    assertThat(c.client().resolve(kvs.get(i).name()).orElseThrow().node()).isIn("n2", "n3");
                    assertThat(c.client().call(kvs.get(i).name(), "GET", "key:4999")).isInstanceOf(Reply.Bulk.class);
                }
                assertThat(c.control("n1").list()).isEmpty();
                awaitLog(c, "n1", "drain n1: kv1 moved to");
            } finally {
                for (AckedWriter w : writers) {
                    w.stop();
                }
            }

            // Cordoned: deploys and migrations to n1 are refused; uncordoned: accepted again.
            assertThat(c.client().naming().lookup("node/n1").orElseThrow().attributes()).containsEntry("schedulable", "false");
            assertThatThrownBy(() -> c.deployKv("kv4", "n1")).isInstanceOfSatisfying(CaravanException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.UNSCHEDULABLE));
            assertThat(statusCall(c, "n1", Op.NODE_UNCORDON).schedulable()).isTrue();
            c.deployKv("kv4", "n1");
            c.client().call("kv4", "SET", "survivor", "yes");

            // SIGTERM with room elsewhere: n1 drains itself before it stops.
            c.node("n1").stop(60_000);
            assertThat(c.client().resolve("kv4").orElseThrow().node()).isIn("n2", "n3");
            assertThat(c.client().call("kv4", "GET", "survivor")).isEqualTo(new Reply.Bulk("yes".getBytes()));
            awaitLog(c, "n1", "n1 got SIGTERM: draining 1 process(es) first", "drain n1: kv4 moved to",
                    "n1 got SIGTERM: drained, every process runs elsewhere", "node n1 stopped");
        }
    }

    @Test
    void shouldFailADrainWithoutRoomWithTheListAndStopWithALogLineOnSigterm() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).withNodeArgs("--process-memory", "100m").start()) {
            c.deployKv("kv-a", "n1");
            c.deployKv("kv-b", "n2");
            c.client().call("kv-a", "SET", "k", "v");
            DrainReport report = drain(c, "n1", new CopyOnWriteArrayList<>());
            assertThat(report.drained()).isFalse();
            assertThat(report.stayed()).singleElement().satisfies(s -> {
                assertThat(s.name()).isEqualTo("kv-a");
                assertThat(s.detail()).isEqualTo("no schedulable node has 64 MiB free (most: n2 with 36 MiB)");
            });
            assertThat(c.client().call("kv-a", "GET", "k")).isEqualTo(new Reply.Bulk("v".getBytes()));

            // n1 stays cordoned; n2 is schedulable but full: SIGTERM on n1 finds no room and says so.
            c.node("n1").stop(60_000);
            awaitLog(c, "n1", "n1 got SIGTERM: no room for 1 process(es): stopping kv-a");
            assertThat(c.client().naming().lookup("process/kv-a")).isEmpty();
        }
    }

    @Test
    void shouldStopWithoutDrainingWhenEveryOtherNodeIsCordoned() throws Exception {
        try (CaravanCluster c = CaravanCluster.aCluster().withNodes(2).start()) {
            c.control("n1").start(new ProcessSpec("kv-z", "kv", "", "", CaravanCluster.PROCESS_MEMORY_BYTES, Map.of()));
            statusCall(c, "n2", Op.NODE_CORDON);
            c.node("n1").stop(60_000);
            awaitLog(c, "n1", "n1 got SIGTERM: no other schedulable node; no room: stopping 1 process(es): kv-z", "node n1 stopped");
            assertThat(c.control("n2").list()).isEmpty();
        }
    }
}
