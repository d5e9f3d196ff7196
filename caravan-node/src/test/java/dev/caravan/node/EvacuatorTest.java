package dev.caravan.node;

import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.NodeStatus;
import dev.caravan.wire.node.PreCopyStop;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The drain state machine against a fake node and a fake status table, stepped by hand on a manual clock. */
class EvacuatorTest {
    private static final long MIB = 1L << 20;

    /** A node with processes and peers whose migrations the test completes. */
    private static final class FakeHost implements Evacuator.Host {
        final Map<String, Long> hosted = new LinkedHashMap<>();
        final List<NodeStatus> peers = new ArrayList<>();
        final Map<String, CompletableFuture<MigrationReport>> moves = new LinkedHashMap<>();
        final List<MigrationRequest> requests = new ArrayList<>();
        final List<String> cancelled = new ArrayList<>();
        boolean cordoned;

        @Override
        public String nodeId() {
            return "n1";
        }

        @Override
        public void cordon() {
            cordoned = true;
        }

        @Override
        public Map<String, Long> hosted() {
            return new LinkedHashMap<>(hosted);
        }

        @Override
        public List<NodeStatus> peers() {
            return List.copyOf(peers);
        }

        @Override
        public CompletableFuture<MigrationReport> migrate(MigrationRequest request) {
            requests.add(request);
            CompletableFuture<MigrationReport> f = new CompletableFuture<>();
            moves.put(request.name() + "->" + request.toNode(), f);
            return f;
        }

        @Override
        public void cancel(String name) {
            cancelled.add(name);
        }

        /** Completes the move of {@code name} to {@code to} with {@code outcome}; a committed one leaves the node. */
        void finish(String name, String to, MigrationOutcome outcome) {
            if (outcome == MigrationOutcome.COMMITTED) {
                hosted.remove(name);
            }
            moves.get(name + "->" + to).complete(report(name, to, outcome));
        }
    }

    private static NodeStatus node(String id, long freeMib, int loadPermille) {
        return new NodeStatus(id, true, 1024 * MIB, (1024 - freeMib) * MIB, 0, 0, loadPermille);
    }

    private static MigrationReport report(String name, String to, MigrationOutcome outcome) {
        return new MigrationReport(name, "n1", to, MigrationMode.PRE_COPY, outcome, MigrationPhase.DONE, 2, 120, 3000, 0, 0, 1,
                PreCopyStop.of(1), 50, 0, 0, 0, 0, 0, MigrationReport.FaultStats.NONE, MigrationReport.SwitchOverTimes.NONE,
                MigrationReport.DestinationCosts.NONE, outcome == MigrationOutcome.COMMITTED ? "" : "destination went away");
    }

    private final FakeHost host = new FakeHost();
    private final ManualClock clock = new ManualClock(1_000_000);
    private final List<DrainStep> events = new ArrayList<>();

    private Evacuator evacuator(int parallel, long timeoutMs) {
        return new Evacuator(host, new DrainRequest(MigrationMode.PRE_COPY, 50, timeoutMs, parallel), clock, events::add);
    }

    private static void stepUntilIdle(Evacuator e) {
        for (int i = 0; i < 100 && e.doWork() > 0; i++) {
            // Each step does one piece; stop when it has nothing left to do until a migration ends.
        }
    }

    @Test
    void shouldPlaceOnMostFreeMemoryThenLowerLoadAndSkipUnschedulable() {
        List<NodeStatus> table = List.of(node("n2", 512, 100), node("n3", 512, 50), node("n4", 100, 0),
                new NodeStatus("n5", false, 4096 * MIB, 0, 0, 0, 0));
        assertThat(Placement.choose(table, 256 * MIB, Set.of())).map(NodeStatus::nodeId).contains("n3");
        assertThat(Placement.choose(table, 256 * MIB, Set.of("n3"))).map(NodeStatus::nodeId).contains("n2");
        assertThat(Placement.choose(table, 600 * MIB, Set.of())).isEmpty();
        assertThat(Placement.whyNoRoom(table, 600 * MIB, Set.of())).contains("600 MiB").contains("n3 with 512 MiB");
        assertThat(Placement.choose(List.of(node("n2", 100, -1), node("n3", 100, 900)), MIB, Set.of()))
                .map(NodeStatus::nodeId).contains("n3");
    }

    private static NodeStatus sized(String id, long capacityMib, long reservedMib) {
        return new NodeStatus(id, true, capacityMib * MIB, reservedMib * MIB, 0, 0, 0);
    }

    @Test
    void shouldCountAMoveOnceWhenItsDestinationAlreadyReservesTheArrival() {
        for (String p : List.of("kv1", "kv2", "kv3")) {
            host.hosted.put(p, 8 * MIB);
        }
        host.peers.add(sized("n2", 20, 0));
        host.peers.add(sized("n3", 24, 0));
        Evacuator e = evacuator(2, 60_000);
        stepUntilIdle(e);
        assertThat(host.requests).extracting(MigrationRequest::toNode).containsExactly("n3", "n2");

        // Both destinations have reserved their arrivals; kv2 commits while kv1 is still moving.
        host.peers.set(0, sized("n2", 20, 8));
        host.peers.set(1, sized("n3", 24, 8));
        host.finish("kv2", "n2", MigrationOutcome.COMMITTED);
        stepUntilIdle(e);
        // n3 has 16 MiB free (kv1 counted once), n2 12: kv3 goes to n3 whatever the timing of the reports.
        assertThat(host.requests).extracting(MigrationRequest::toNode).containsExactly("n3", "n2", "n3");
    }

    @Test
    void shouldCordonFirstThenMoveTwoAtATimeCountingPlannedMemory() {
        host.hosted.put("a", 300 * MIB);
        host.hosted.put("b", 300 * MIB);
        host.hosted.put("c", 300 * MIB);
        host.peers.add(node("n2", 500, 0));
        host.peers.add(node("n3", 400, 0));
        Evacuator e = evacuator(2, 60_000);
        stepUntilIdle(e);

        assertThat(host.cordoned).isTrue();
        // a takes n2 (most free); with a's 300 MiB planned there, n3 (400) is now the roomiest for b.
        assertThat(host.requests).extracting(MigrationRequest::toNode).containsExactly("n2", "n3");
        assertThat(host.requests).allMatch(r -> r.mode() == MigrationMode.PRE_COPY && !r.cloning());

        host.finish("a", "n2", MigrationOutcome.COMMITTED);
        host.peers.set(0, node("n2", 200, 0));
        stepUntilIdle(e);
        // c needs 300 MiB: n2 has 200 left, n3 has 100 left once b's move is counted.
        assertThat(e.state()).isEqualTo(Evacuator.State.MOVING);
        assertThat(events).filteredOn(s -> s.name().equals("c")).singleElement()
                .satisfies(s -> assertThat(s.stage()).isEqualTo(DrainStep.Stage.STAYED))
                .satisfies(s -> assertThat(s.detail()).contains("no schedulable node has 300 MiB free"));

        host.finish("b", "n3", MigrationOutcome.COMMITTED);
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.FAILED);
        DrainReport r = e.report();
        assertThat(r.drained()).isFalse();
        assertThat(r.stayed()).extracting(DrainStep::name).containsExactly("c");
        assertThat(r.processes()).filteredOn(s -> s.stage() == DrainStep.Stage.MOVED)
                .extracting(DrainStep::name, DrainStep::toNode).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", "n2"), org.assertj.core.groups.Tuple.tuple("b", "n3"));
    }

    @Test
    void shouldRetryOnceElsewhereThenGiveUp() {
        host.hosted.put("a", 100 * MIB);
        host.peers.add(node("n2", 500, 0));
        host.peers.add(node("n3", 400, 0));
        Evacuator e = evacuator(1, 60_000);
        stepUntilIdle(e);
        host.finish("a", "n2", MigrationOutcome.RESUMED_AT_SOURCE);
        stepUntilIdle(e);
        assertThat(host.requests).extracting(MigrationRequest::toNode).containsExactly("n2", "n3");
        assertThat(events).extracting(DrainStep::stage).containsExactly(DrainStep.Stage.MOVING, DrainStep.Stage.RETRYING);

        host.moves.get("a->n3").completeExceptionally(ErrorCode.UNSCHEDULABLE.exception("node n3 is cordoned"));
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.FAILED);
        DrainStep last = e.report().stayed().getFirst();
        assertThat(last.detail()).contains("n3 is cordoned");
        assertThat(host.requests).hasSize(2);
    }

    @Test
    void shouldFinishWhenTheNodeIsEmpty() {
        host.hosted.put("a", 100 * MIB);
        host.peers.add(node("n2", 500, 0));
        Evacuator e = evacuator(2, 60_000);
        stepUntilIdle(e);
        host.finish("a", "n2", MigrationOutcome.COMMITTED);
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.DONE);
        assertThat(e.report().drained()).isTrue();
        assertThat(e.report().processes()).singleElement().satisfies(s -> {
            assertThat(s.stage()).isEqualTo(DrainStep.Stage.MOVED);
            assertThat(s.downtimeMicros()).isEqualTo(3000);
        });
    }

    @Test
    void shouldWaitForAMovedProcessToLeaveTheBooks() {
        host.hosted.put("a", 100 * MIB);
        host.peers.add(node("n2", 500, 0));
        Evacuator e = evacuator(2, 60_000);
        stepUntilIdle(e);
        host.moves.get("a->n2").complete(report("a", "n2", MigrationOutcome.COMMITTED));
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.MOVING);
        assertThat(host.requests).hasSize(1);
        host.hosted.remove("a");
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.DONE);
    }

    @Test
    void shouldCancelMovesAtTheDeadlineAndReportWhatStayed() {
        host.hosted.put("a", 100 * MIB);
        host.hosted.put("b", 100 * MIB);
        host.peers.add(node("n2", 500, 0));
        Evacuator e = evacuator(1, 10_000);
        stepUntilIdle(e);
        clock.advanceMs(9_999);
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.MOVING);
        clock.advanceMs(1);
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.CANCELLING);
        assertThat(host.cancelled).containsExactly("a");
        host.finish("a", "n2", MigrationOutcome.CANCELLED);
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.FAILED);
        DrainReport r = e.report();
        assertThat(r.detail()).contains("timed out");
        assertThat(r.stayed()).extracting(DrainStep::name).containsExactlyInAnyOrder("a", "b");
        assertThat(host.requests).hasSize(1);
    }

    @Test
    void shouldFailAtOnceWhenNoOtherNodeIsSchedulable() {
        host.hosted.put("a", 100 * MIB);
        host.peers.add(new NodeStatus("n2", false, 0, 0, 0, 0, -1));
        Evacuator e = evacuator(2, 60_000);
        stepUntilIdle(e);
        assertThat(e.state()).isEqualTo(Evacuator.State.FAILED);
        assertThat(e.report().stayed().getFirst().detail()).isEqualTo("no other schedulable node");
        assertThat(host.requests).isEmpty();
    }
}
