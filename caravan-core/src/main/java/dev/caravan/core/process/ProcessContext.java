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

    /** The id of the node hosting the process now ({@code ""} where no node hosts it, as in unit tests). */
    default String nodeId() {
        return "";
    }

    /**
     * Whether the process is frozen for a migration, clone or checkpoint (SUSPENDED): runtime
     * tasks and {@link CaravanProcess#onTick} still run then, commands do not, and the process must
     * change nothing its object state holds (a strong-mobility loop must not be resumed). Read on
     * the process thread, where the freeze begins and ends; the default: never frozen.
     */
    default boolean frozen() {
        return false;
    }

    /**
     * Asks the hosting node to move this process to node {@code targetNode} — or, when
     * {@code cloneName} is not null, to start a clone of it named {@code cloneName} there — as
     * {@code caravan migrate} (or {@code caravan clone}) would, in the node's default mode. The
     * process itself initiates it (the chapter's sender-initiated, self-directed migration of a
     * mobile agent). Returns at once: the process keeps running until the migration freezes it
     * at its next request boundary. The future completes on a node thread, never the process
     * thread: normally when the move committed (the process then runs on the target and is
     * gone from here), exceptionally with a {@link dev.caravan.wire.CaravanException} when it
     * did not happen (the process keeps running here). The default refuses (NOT_SUPPORTED).
     */
    default java.util.concurrent.CompletableFuture<Void> requestMigration(String targetNode, String cloneName) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                dev.caravan.wire.ErrorCode.NOT_SUPPORTED.exception("this runtime cannot move a process on its own request"));
    }

    /**
     * Asks the hosting node to stop this process, as {@code caravan stop} would: its name is
     * withdrawn from naming, {@link CaravanProcess#onStop} runs and it is gone from the node's list.
     * Returns at once: the node stops it from a thread of its own, so the process keeps serving
     * (or refusing) commands until its runner stops. {@code reason} (one line) is logged by the node.
     * The future completes on a node thread, never the process thread: normally once the process
     * is stopped, exceptionally with a {@link dev.caravan.wire.CaravanException} when it was not
     * (NOT_HERE: no longer on this node). The default, where no node hosts the process, refuses
     * (NOT_SUPPORTED) and stops nothing.
     */
    default java.util.concurrent.CompletableFuture<Void> stopSelf(String reason) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                dev.caravan.wire.ErrorCode.NOT_SUPPORTED.exception("this runtime cannot stop a process on its own request"));
    }

    /**
     * The processes hosted on this node now, this one included, in name order: a read-only
     * snapshot (what a mobile agent searches on each node it visits). Empty where no node hosts
     * the process.
     */
    default java.util.List<LocalProcess> localProcesses() {
        return java.util.List.of();
    }

    /**
     * Sends {@code command} to process {@code name} on this node, as a client with no session
     * would, and returns its reply's future, completed on that process's thread. The command
     * queues behind that process's own work, so waiting on the future blocks this process: wait
     * with a bound (two processes waiting on each other would each time out). Where no node hosts
     * the process, or for itself, it fails: NOT_SUPPORTED, NOT_HERE (no such process on this node),
     * INVALID_ARGUMENT (itself).
     */
    default java.util.concurrent.CompletableFuture<dev.caravan.wire.command.Reply> callLocal(String name,
            dev.caravan.wire.command.Command command) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                dev.caravan.wire.ErrorCode.NOT_SUPPORTED.exception("this runtime hosts no other processes to call"));
    }

    /**
     * Publishes one line about what the process is doing now ({@code caravan ps} and
     * {@code inspect} show it as the detail of a running process; a mobile agent's hop, for one).
     * At most 200 characters, the rest cut; it stays on the node it was set on (set it again after
     * a move). The default ignores it.
     */
    default void statusLine(String line) {
    }

    /**
     * Whether someone asked this process, on this node, to come home ({@code caravan agent recall}):
     * a mobile agent checks it at each hop and heads home. Like {@link #statusLine}, it is
     * node-local (whoever recalls asks again where the process is now). The default: never.
     */
    default boolean recalled() {
        return false;
    }
}
