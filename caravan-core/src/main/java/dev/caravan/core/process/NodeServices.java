package dev.caravan.core.process;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the hosting node lends one process beyond its runner: its id, moving or stopping the process
 * on the process's own request, and a read-only view of (and calls to) the other processes it hosts. The
 * node installs it on the runner ({@link ProcessRunner#nodeServices}); core knows nothing of nodes,
 * so the default ({@link #NONE}) is what a runner outside a node has: no node id, and each service
 * refused with NOT_SUPPORTED.
 *
 * <p>Threading: called on the process thread; implementations return at once and complete their
 * futures on node threads, never the process thread.
 */
public interface NodeServices {
    /** A runner outside any node (unit tests): the contract's defaults. */
    NodeServices NONE = new NodeServices() {
    };

    /** The id of the node hosting the process now; {@code ""} outside a node. */
    default String nodeId() {
        return "";
    }

    /** Carries out {@link ProcessContext#requestMigration} for {@code process}. */
    default CompletableFuture<Void> requestMigration(ProcessContext process, String targetNode, String cloneName) {
        return CompletableFuture.failedFuture(ErrorCode.NOT_SUPPORTED.exception("this runtime cannot move a process on its own request"));
    }

    /** Carries out {@link ProcessContext#stopSelf} for {@code process}. */
    default CompletableFuture<Void> stopSelf(ProcessContext process, String reason) {
        return CompletableFuture.failedFuture(ErrorCode.NOT_SUPPORTED.exception("this runtime cannot stop a process on its own request"));
    }

    /** Carries out {@link ProcessContext#localProcesses}. */
    default List<LocalProcess> localProcesses() {
        return List.of();
    }

    /** Carries out {@link ProcessContext#callLocal} for the process named {@code caller}. */
    default CompletableFuture<Reply> callLocal(String caller, String name, Command command) {
        return CompletableFuture.failedFuture(ErrorCode.NOT_SUPPORTED.exception("this runtime hosts no other processes to call"));
    }
}
