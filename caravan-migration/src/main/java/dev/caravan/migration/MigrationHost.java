package dev.caravan.migration;

import dev.caravan.core.process.ProcessId;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.ProcessSpec;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * The node as the migration engine sees it: the one narrow interface through which the engine
 * looks up hosted processes, admits arriving ones, reaches naming and peers, and schedules work.
 * A test implements it in a few lines over an embedded naming service (see the engine's tests).
 *
 * <p>Threading: every method may be called from any engine thread (control connection threads,
 * migration threads, page-stream threads) and must be thread-safe.
 *
 * <p>Errors: methods throw {@link dev.caravan.wire.CaravanException} with the code a remote
 * caller should see ({@code NOT_HERE}, {@code NOT_FOUND}, {@code ALREADY_EXISTS}, …).
 */
public interface MigrationHost {
    /** Where naming says a process is registered now: its node, data endpoint and epoch. */
    record Owner(String node, String host, int port, long epoch) {
    }

    String nodeId();

    Clock clock();

    /** The address this node binds its sockets to (page streams listen here). */
    String bindHost();

    /** This node's control endpoint as peers reach it, host:port. */
    String controlAddress();

    /** Bytes of memory this node keeps warm (touched before, free) for arriving processes. */
    long warmBytes();

    /** Whether this node answers for its processes now (it holds its naming lease). */
    boolean ownsProcesses();

    /** A hosted, running process; NOT_HERE if this node does not host it. */
    MovableProcess hosted(String name);

    /** Whether a process of this name is hosted here (running, not arriving). */
    boolean hosts(String name);

    /** Another node's control endpoint, per naming; empty if it is not registered. */
    Optional<InetSocketAddress> nodeAddress(String nodeId);

    /** The registered owner of a process, per naming; empty if unregistered. Throws UNAVAILABLE if naming cannot answer. */
    Optional<Owner> ownerOf(String processName);

    /**
     * The cluster token that opens a {@link dev.caravan.wire.resp.SessionLink session link} to a
     * data endpoint ("" when the cluster has none): how a hand-off forwards queued batches.
     */
    default String linkToken() {
        return "";
    }

    /**
     * How this node's page streams are carried: plaintext (the default), or mutual TLS 1.3 with
     * the node's identity, in which case both ends of a page stream must hold {@code node}
     * certificates from the same CA.
     */
    default dev.caravan.wire.security.TransportSecurity transportSecurity() {
        return dev.caravan.wire.security.TransportSecurity.plaintext();
    }

    /** Opens an authenticated link to another node's control endpoint. */
    FrameClient connect(InetSocketAddress controlAddress, java.time.Duration timeout);

    /**
     * Creates an arriving process: its code (pulling the bundle if missing), memory, runner (not
     * started) and data endpoint. {@code front} is the stable endpoint it keeps, or "" to give
     * it a new one here (clones and restores). Nothing is registered in naming yet.
     */
    MovableProcess admit(ProcessSpec spec, ProcessId id, long epoch, String front) throws java.io.IOException;

    /** Binds the arriving process's resources to their URIs here. */
    void bindResources(MovableProcess process, Map<String, String> uris);

    /**
     * The commit point of an arriving process: registers it in naming with its epoch (refused if
     * naming holds an equal or higher one, so exactly one owner wins), then starts it. Refused with
     * ALREADY_EXISTS when another process of the same name started on this node meanwhile (a
     * deploy while it arrived): the arrival is then dropped.
     */
    void commitArrival(MovableProcess process) throws Exception;

    /** Drops an arriving process that will not commit: stops it, frees its memory, closes its endpoints. */
    void discard(MovableProcess process);

    /**
     * After the process moved away: takes it off this node's books and makes its data endpoint
     * answer {@code -MOVED newEpoch destination} from now on. The caller still hands off queued commands.
     */
    void removeAfterMove(MovableProcess process, long newEpoch, String destinationDataAddress);

    /**
     * As {@link #removeAfterMove(MovableProcess, long, String)}, with how this node reaches the
     * destination's data endpoint for sessions it still hands off (closed clients); by default the
     * link is ignored.
     */
    default void removeAfterMove(MovableProcess process, long newEpoch, String destinationDataAddress, HandOffLink link) {
        removeAfterMove(process, newEpoch, destinationDataAddress);
    }

    /** A post-copy process whose pages were lost: marks it failed and withdraws it from naming. */
    void markLost(MovableProcess process);

    /** Runs {@code task} once after {@code delayMs} on the node's scheduler. */
    void schedule(Runnable task, long delayMs);

    /**
     * Ends this node at once, as {@code kill -9} would: no shutdown work, no goodbye to naming
     * (fault injection). A real node halts its JVM; a test host drops its sockets and threads.
     */
    void crash(String why);
}
