package dev.caravan.systemtests.faults;

import dev.caravan.client.NodeControl;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A migration asked of its source node on a thread of its own, with a phase trigger: an action
 * run the moment the first progress frame that matches arrives (on the frame reader's thread,
 * before the next frame is read, so the action sees the source in that phase unless the source
 * has already moved on — hold the phase with a {@code source:pause:PHASE} fault to make that
 * certain). Every frame is kept for failure messages.
 *
 * <p>Typical use: {@code MigrationRun.start(control, request, MigrationRun.phase(ROUNDS), () -> fault.cut("n1"))},
 * then {@link #triggered()} to wait for the action, {@link #report()} for the outcome.
 */
final class MigrationRun {
    private final List<MigrationProgress> frames = new CopyOnWriteArrayList<>();
    private final CompletableFuture<MigrationProgress> triggered = new CompletableFuture<>();
    private final CompletableFuture<MigrationReport> report = new CompletableFuture<>();

    /** An action that may fail (shells out to {@code ip}, signals a JVM). */
    interface Action {
        void run() throws Exception;
    }

    private MigrationRun() {
    }

    /** Frames of {@code phase}. */
    static Predicate<MigrationProgress> phase(MigrationPhase phase) {
        return p -> p.phase() == phase;
    }

    /**
     * Starts the migration at {@code sourceControl}; runs {@code action} once, at the first frame
     * {@code when} accepts. {@code timeout} bounds the whole migration call.
     */
    static MigrationRun start(InetSocketAddress sourceControl, MigrationRequest request, Predicate<MigrationProgress> when,
                              Action action, Duration timeout) {
        MigrationRun run = new MigrationRun();
        Thread.ofVirtual().name("migrate-" + request.name()).start(() -> {
            try {
                run.report.complete(NodeControl.migrate(sourceControl, "", request, p -> run.onFrame(p, when, action), timeout));
            } catch (RuntimeException e) {
                run.report.completeExceptionally(e);
            } finally {
                run.triggered.completeExceptionally(new IllegalStateException("the migration ended before the trigger"));
            }
        });
        return run;
    }

    private void onFrame(MigrationProgress p, Predicate<MigrationProgress> when, Action action) {
        frames.add(p);
        if (!triggered.isDone() && when.test(p)) {
            try {
                action.run();
                triggered.complete(p);
            } catch (Exception e) {
                triggered.completeExceptionally(e);
            }
        }
    }

    /** Waits for the trigger's action to have run; the frame it ran at. */
    MigrationProgress triggered(Duration within) throws InterruptedException {
        try {
            return triggered.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("trigger did not fire: " + e.getCause().getMessage() + "; frames " + phases()
                    + (report.isDone() ? "; migration: " + outcome() : ""), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("trigger did not fire within " + within + "; frames " + phases());
        }
    }

    /** The migration's report, or null when the migration call failed (its error is in {@link #outcome()}). */
    MigrationReport report(Duration within) throws InterruptedException {
        try {
            return report.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return null;
        } catch (TimeoutException e) {
            throw new AssertionError("the migration call did not return within " + within + "; frames " + phases());
        }
    }

    /** One line: the report's outcome and detail, or the error the call ended with. */
    String outcome() {
        if (!report.isDone()) {
            return "still running";
        }
        try {
            MigrationReport r = report.getNow(null);
            return r.outcome() + " (ended in " + r.endedIn() + ", epoch " + r.epoch() + "): " + r.detail();
        } catch (java.util.concurrent.CompletionException e) {
            return "call failed: " + e.getCause().getMessage();
        }
    }

    /** Whether a frame of {@code phase} has come so far. */
    boolean reached(MigrationPhase phase) {
        return frames.stream().anyMatch(p -> p.phase() == phase);
    }

    /** The phases the frames went through, in order, with their rounds: {@code [begin, rounds#0, freeze, …]}. */
    String phases() {
        StringBuilder b = new StringBuilder("[");
        MigrationProgress last = null;
        for (MigrationProgress p : frames) {
            if (last == null || last.phase() != p.phase() || last.round() != p.round()) {
                b.append(b.length() > 1 ? ", " : "").append(p.phase()).append(p.phase() == MigrationPhase.ROUNDS ? "#" + p.round() : "");
            }
            last = p;
        }
        return b.append(']').toString();
    }
}
