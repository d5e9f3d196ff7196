package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.NodeStatus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Empties a node: cordons it, then moves every process off it by live migration, one or two at
 * a time, each to the node {@link Placement} picks (most free memory that fits, lower load), and
 * waits until the node hosts nothing. A process whose migration fails is tried once more on
 * another node; one that cannot move (no room, or failed twice) stays and the report says why;
 * the drain then fails with that list and the node stays cordoned.
 *
 * <pre>
 *   CORDONING ─▶ MOVING ──(node empty)──────────────▶ DONE
 *                  │ ──(only processes that cannot move left)─▶ FAILED
 *                  └──(deadline)─▶ CANCELLING ──(moves ended)─▶ FAILED
 * </pre>
 *
 * <p>Threading: one thread owns an evacuator and calls {@link #doWork()} (or {@link #run()},
 * which loops it); migrations run elsewhere and are seen only through their futures. Time comes
 * from the injected {@link Clock}, so tests step the state machine by hand.
 */
public final class Evacuator {
    /** The node being drained, as the evacuator needs it. Implementations are thread-safe. */
    public interface Host {
        String nodeId();

        /** Marks the node unschedulable (idempotent). */
        void cordon();

        /** Processes hosted now: name → paged-memory capacity in bytes. */
        Map<String, Long> hosted();

        /** Status of every other node that answers (unschedulable ones included; placement skips them). */
        List<NodeStatus> peers();

        /** Starts moving a process; the future ends with the migration's report or its refusal. */
        CompletableFuture<MigrationReport> migrate(MigrationRequest request);

        /** Asks a running migration of {@code name} to stop before its commit (no-op if none). */
        void cancel(String name);
    }

    /** Where the drain is. */
    public enum State { CORDONING, MOVING, CANCELLING, DONE, FAILED }

    private record Move(String name, String toNode, long needBytes, CompletableFuture<MigrationReport> result) {
    }

    private final Host host;
    private final DrainRequest request;
    private final Clock clock;
    private final Consumer<DrainStep> progress;
    private final long startMs;
    private final long deadlineMs;
    private final Map<String, DrainStep> outcomes = new LinkedHashMap<>();
    private final Map<String, Move> inFlight = new LinkedHashMap<>();
    private final Map<String, Set<String>> failedAt = new HashMap<>();
    /** Destination node → its reserved bytes when this drain first looked at it (no move of ours there yet). */
    private final Map<String, Long> reservedWhenFirstSeen = new HashMap<>();
    /** Destination node → capacities of the processes this drain has moved there (committed). */
    private final Map<String, Long> movedInBytes = new HashMap<>();
    private final LinkedBlockingQueue<String> wakeups = new LinkedBlockingQueue<>();
    private State state = State.CORDONING;
    private String detail = "";

    public Evacuator(Host host, DrainRequest request, Clock clock, Consumer<DrainStep> progress) {
        this.host = host;
        this.request = request;
        this.clock = clock;
        this.progress = progress;
        this.startMs = clock.nowMs();
        this.deadlineMs = startMs + request.timeoutMs();
    }

    public State state() {
        return state;
    }

    /** Runs the drain to its end on this thread; returns the report. */
    public DrainReport run() throws InterruptedException {
        while (!isDone()) {
            if (doWork() == 0) {
                wakeups.poll(50, TimeUnit.MILLISECONDS);
            }
        }
        return report();
    }

    public boolean isDone() {
        return state == State.DONE || state == State.FAILED;
    }

    /** One step of the state machine; returns how much it did (0: nothing, wait for a migration). */
    public int doWork() {
        return switch (state) {
            case CORDONING -> onCordoning();
            case MOVING -> onMoving();
            case CANCELLING -> onCancelling();
            case DONE, FAILED -> 0;
        };
    }

    private int onCordoning() {
        host.cordon();
        state = State.MOVING;
        return 1;
    }

    private int onMoving() {
        int work = collectFinished(true);
        if (clock.nowMs() >= deadlineMs) {
            detail = "the drain timed out after " + request.timeoutMs() + " ms";
            inFlight.keySet().forEach(host::cancel);
            state = State.CANCELLING;
            return work + 1;
        }
        Map<String, Long> hosted = host.hosted();
        List<String> waiting = new ArrayList<>();
        for (String name : hosted.keySet()) {
            if (!inFlight.containsKey(name) && !outcomes.containsKey(name)) {
                waiting.add(name);
            }
        }
        if (!waiting.isEmpty() && inFlight.size() < request.parallel()) {
            work += startMoves(waiting, hosted);
        }
        if (inFlight.isEmpty() && work == 0) {
            if (hosted.isEmpty()) {
                state = State.DONE;
                return 1;
            }
            boolean onlyStuck = hosted.keySet().stream().allMatch(n -> outcomes.containsKey(n)
                    && outcomes.get(n).stage() == DrainStep.Stage.STAYED);
            if (onlyStuck) {
                detail = hosted.size() + " process(es) could not move off node " + host.nodeId();
                state = State.FAILED;
                return 1;
            }
            // A moved process still on the books (it leaves after its commit): wait for it.
        }
        return work;
    }

    private int startMoves(List<String> waiting, Map<String, Long> hosted) {
        List<NodeStatus> table = withPlannedMoves(host.peers());
        int started = 0;
        for (String name : waiting) {
            if (inFlight.size() >= request.parallel()) {
                break;
            }
            long need = hosted.get(name);
            Set<String> exclude = failedAt.getOrDefault(name, Set.of());
            Optional<NodeStatus> to = Placement.choose(table, need, exclude);
            if (to.isEmpty()) {
                settle(DrainStep.stayed(name, request.mode(), Placement.whyNoRoom(table, need, exclude)));
            } else {
                start(name, to.get().nodeId(), need);
                table = withPlannedMove(table, to.get().nodeId(), need);
            }
            started++;
        }
        return started;
    }

    private void start(String name, String toNode, long needBytes) {
        MigrationRequest m = new MigrationRequest(name, toNode, request.mode(), request.maxDowntimeMs(), 30, 2, false, "", "");
        CompletableFuture<MigrationReport> f;
        try {
            f = host.migrate(m);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        inFlight.put(name, new Move(name, toNode, needBytes, f));
        f.whenComplete((r, t) -> wakeups.offer(name));
        if (!failedAt.containsKey(name)) {
            progress.accept(DrainStep.moving(name, toNode, request.mode()));
        }
    }

    /** Takes the results of ended migrations; a first failure is retried elsewhere when {@code retry}. */
    private int collectFinished(boolean retry) {
        int work = 0;
        for (Iterator<Move> it = inFlight.values().iterator(); it.hasNext(); ) {
            Move m = it.next();
            if (!m.result().isDone()) {
                continue;
            }
            it.remove();
            work++;
            MigrationReport r = null;
            String failure;
            try {
                r = m.result().get();
                failure = r.outcome() == MigrationOutcome.COMMITTED ? null
                        : "migration to " + m.toNode() + " ended " + r.outcome() + (r.detail().isEmpty() ? "" : ": " + r.detail());
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                failure = "migration to " + m.toNode() + " refused: "
                        + (cause instanceof CaravanException ce ? ce.getMessage() : String.valueOf(cause));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted";
            }
            if (failure == null) {
                movedInBytes.merge(m.toNode(), m.needBytes(), Long::sum);
                settle(new DrainStep(m.name(), DrainStep.Stage.MOVED, m.toNode(), r.mode(), r.downtimeMicros(), r.totalMs(), ""));
            } else if (r != null && !r.outcome().succeeded() && r.outcome() != MigrationOutcome.RESUMED_AT_SOURCE
                    && r.outcome() != MigrationOutcome.CANCELLED) {
                // In doubt or lost: the process is not here to try again.
                settle(DrainStep.stayed(m.name(), request.mode(), failure));
            } else if (retry && !failedAt.containsKey(m.name())) {
                failedAt.put(m.name(), Set.of(m.toNode()));
                retryElsewhere(m, failure);
            } else {
                settle(DrainStep.stayed(m.name(), request.mode(), failure));
            }
        }
        return work;
    }

    private void retryElsewhere(Move failed, String failure) {
        List<NodeStatus> table = withPlannedMoves(host.peers());
        Optional<NodeStatus> to = Placement.choose(table, failed.needBytes(), failedAt.get(failed.name()));
        if (to.isEmpty()) {
            settle(DrainStep.stayed(failed.name(), request.mode(), failure + "; "
                    + Placement.whyNoRoom(table, failed.needBytes(), failedAt.get(failed.name()))));
            return;
        }
        progress.accept(new DrainStep(failed.name(), DrainStep.Stage.RETRYING, to.get().nodeId(), request.mode(), 0, 0, failure));
        start(failed.name(), to.get().nodeId(), failed.needBytes());
    }

    private int onCancelling() {
        int work = collectFinished(false);
        if (!inFlight.isEmpty()) {
            return work;
        }
        for (String name : host.hosted().keySet()) {
            if (!outcomes.containsKey(name)) {
                settle(DrainStep.stayed(name, request.mode(), "not moved before the drain timed out"));
            }
        }
        state = host.hosted().isEmpty() ? State.DONE : State.FAILED;
        return work + 1;
    }

    private void settle(DrainStep step) {
        outcomes.put(step.name(), step);
        progress.accept(step);
    }

    /**
     * The peers' status with the memory of this drain's moves counted once: a destination
     * reserves an arriving process at a moment of its own, so its reported reservation may or may
     * not include a move still under way. Each node is taken as reserving at least what it did
     * when first seen plus what this drain has moved or is moving there; a higher report (someone
     * else placed a process there) wins. Counting planned moves on top of the report instead
     * counted an arrival twice and made the choice depend on timing.
     */
    private List<NodeStatus> withPlannedMoves(List<NodeStatus> peers) {
        Map<String, Long> inFlightBytes = new HashMap<>();
        for (Move m : inFlight.values()) {
            inFlightBytes.merge(m.toNode(), m.needBytes(), Long::sum);
        }
        return peers.stream().map(s -> {
            long ours = reservedWhenFirstSeen.computeIfAbsent(s.nodeId(), n -> s.reservedBytes())
                    + movedInBytes.getOrDefault(s.nodeId(), 0L) + inFlightBytes.getOrDefault(s.nodeId(), 0L);
            return ours <= s.reservedBytes() ? s : new NodeStatus(s.nodeId(), s.schedulable(), s.processMemoryBytes(), ours,
                    s.processCount(), s.allocatedBytes(), s.cpuLoadPermille());
        }).toList();
    }

    private static List<NodeStatus> withPlannedMove(List<NodeStatus> table, String node, long bytes) {
        return table.stream().map(s -> s.nodeId().equals(node) ? s.withReserved(bytes) : s).toList();
    }

    /** The report so far; final once {@link #isDone()}. */
    public DrainReport report() {
        Set<String> reported = new HashSet<>(outcomes.keySet());
        List<DrainStep> steps = new ArrayList<>(outcomes.values());
        for (Move m : inFlight.values()) {
            if (reported.add(m.name())) {
                steps.add(DrainStep.moving(m.name(), m.toNode(), request.mode()));
            }
        }
        return new DrainReport(host.nodeId(), state == State.DONE, clock.nowMs() - startMs, steps,
                state == State.DONE ? "" : detail);
    }
}
