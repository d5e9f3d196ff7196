package dev.caravan.migration;

import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.nio.file.Path;

/**
 * What the engine tells its node about each operation as it happens, so that the node can meter
 * it ({@code /metrics}) and publish it (its event ring, {@code caravan events}) without the engine
 * knowing about either. Added with {@link MigrationEngine#addListener} or the engine's
 * constructor; every method has an empty default.
 *
 * <p>Threading: called on the thread that runs the step (a migration's own thread, a control
 * connection's thread, a drain's). For one outgoing operation, in order: one
 * {@link #onOutgoingBegun}, its {@link #onOutgoingProgress} reports (with
 * {@link #onOutgoingPhase} before the first report of each phase and pre-copy round), one
 * {@link #onOutgoingEnded}. Operations on different processes call concurrently. Implementations
 * must be quick and must not block; what they throw is logged and dropped.
 */
public interface MigrationListener {
    /** A listener that reports nothing. */
    MigrationListener NONE = new MigrationListener() {
    };

    /** An outgoing migration or clone was accepted and claimed the process; it begins now. */
    default void onOutgoingBegun(MigrationRequest request) {
    }

    /** Every progress report of an outgoing migration or clone, as its caller gets it. */
    default void onOutgoingProgress(MigrationRequest request, MigrationProgress progress) {
    }

    /**
     * An outgoing migration or clone entered a phase, or a new pre-copy round: called once per
     * (phase, round), with the first progress report of it.
     */
    default void onOutgoingPhase(MigrationRequest request, MigrationProgress progress) {
    }

    /**
     * An outgoing migration or clone ended, whatever its outcome.
     *
     * @param report what happened (its outcome says); null when it ended with an exception before a report
     */
    default void onOutgoingEnded(MigrationRequest request, MigrationReport report) {
    }

    /** A checkpoint of {@code name} was written to {@code path}. */
    default void onCheckpointed(String name, Path path, MigrationReport report) {
    }

    /**
     * A process began to arrive here.
     *
     * @param sourceNode the node it comes from, or {@code checkpoint} for a restore
     */
    default void onArrivalBegun(String name, String sourceNode, long epoch) {
    }

    /** An arriving process committed here: it runs here now, with {@code epoch}. */
    default void onArrivalCommitted(String name, String sourceNode, long epoch) {
    }

    /** An arriving process was dropped before its commit; {@code why} says what ended it. */
    default void onArrivalAborted(String name, String sourceNode, String why) {
    }
}
