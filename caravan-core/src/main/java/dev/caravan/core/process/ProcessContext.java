package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;

import java.util.Map;

/**
 * The runtime's side of a process, handed to {@link CaravanProcess#onStart}. Call it from the
 * process's own thread only.
 */
public interface ProcessContext {
    /** Cluster-unique id; stays the same when the process moves. */
    ProcessId id();

    /** The name clients look the process up by. */
    String name();

    /** The ownership epoch in force on this node. */
    long epoch();

    /** The process's data segment. */
    PagedMemory memory();

    /** The injected clock. */
    Clock clock();

    /** Deployment settings (from {@code caravan deploy --set key=value}). */
    Map<String, String> config();

    /**
     * Where a declared resource ({@link CaravanProcess#resources()}) is now: its URI as declared
     * at first start, rewritten by migration per the binding table (moved file, copy, global
     * reference, or a local resource of the same type).
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND for an undeclared name
     */
    String resource(String name);

    /** Opens a declared resource for reading wherever it is now (a local file, or through the node that kept it). */
    java.io.InputStream openResource(String name) throws java.io.IOException;

    /**
     * Asks the endpoint holding this client's connection to close it (Redis's
     * {@code CLIENT KILL}); returns at once. A connection held by a forwarding endpoint on another
     * node is closed when it next sends (its session is gone). The default does nothing.
     */
    default void disconnectClient(long sessionId) {
    }

    /** A logger named after the process. */
    System.Logger log();
}
