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

    /** A logger named after the process. */
    System.Logger log();
}
