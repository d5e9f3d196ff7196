package dev.caravan.migration;

import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

/**
 * Told about every outgoing migration or clone the engine runs (on its source node): how a node
 * meters or records migrations without the engine knowing about metrics or events. Added with
 * {@link MigrationEngine#addListener}.
 *
 * <p>Threading: every method is called on the thread running the operation (a control
 * connection's thread or a drain's), in order: one {@link #onStarted}, any number of
 * {@link #onProgress}, one {@link #onEnded}. Operations on different processes call concurrently.
 * Implementations must be quick and must not block; an exception they throw is logged and ignored.
 */
public interface MigrationListener {
    /** The operation was accepted and claimed the process; it starts now. */
    default void onStarted(MigrationRequest request) {
    }

    /** A progress report, as the operation's caller gets it. */
    default void onProgress(MigrationRequest request, MigrationProgress progress) {
    }

    /**
     * The operation ended.
     *
     * @param report what happened; null when it ended with an exception (interrupted) before a report
     */
    default void onEnded(MigrationRequest request, MigrationReport report) {
    }
}
