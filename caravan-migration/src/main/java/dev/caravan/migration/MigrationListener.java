package dev.caravan.migration;

import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.nio.file.Path;

/**
 * What the engine tells its node about each operation, as it happens, so that the node can
 * publish it (its event ring, {@code caravan events}). Every method has an empty default; a
 * listener implements what it reports.
 *
 * <p>Threading: called on the thread that runs the step (a migration's own thread, a control
 * connection's thread); must be quick and must not throw (what it throws is dropped).
 */
public interface MigrationListener {
    /** A listener that reports nothing. */
    MigrationListener NONE = new MigrationListener() {
    };

    /** An outgoing migration or clone was accepted and begins. */
    default void onOutgoingBegun(MigrationRequest request) {
    }

    /**
     * An outgoing migration or clone entered a phase, or a new pre-copy round: called once per
     * (phase, round), with the first progress report of it.
     */
    default void onOutgoingPhase(MigrationRequest request, MigrationProgress progress) {
    }

    /** An outgoing migration or clone ended, whatever its outcome (the report says). */
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
