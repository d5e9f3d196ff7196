package dev.caravan.node;

import dev.caravan.core.process.LocalProcess;
import dev.caravan.core.process.NodeServices;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationOutcome;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a node lends each process it hosts ({@link NodeServices}): its id, a move or clone the
 * process asks for itself (a mobile agent's hop), a stop it asks for itself (a loop that
 * returned), the local processes and calls to them.
 *
 * <p>A self-requested move is an ordinary NODE_MIGRATE (or clone) started by the node on a thread
 * of its own, exactly as {@code caravan migrate} / {@code caravan clone} would start it: the target
 * is resolved through naming by the migration engine, and the process is frozen at its next
 * request boundary. The mode is the process's {@value #MODE_KEY} setting, else pre-copy (50 ms
 * downtime target, 30 rounds, as {@code caravan migrate}'s defaults); a clone in a mode that
 * resumes early (post-copy, hybrid) is made pre-copy, as a clone must be consistent at one
 * instant.
 *
 * <p>Threading: every method returns at once; futures complete on the migration's thread.
 */
final class HostedNodeServices implements NodeServices {
    /** The process setting ({@code --set}) that chooses the mode of the moves it asks for. */
    static final String MODE_KEY = "self-migration.mode";
    private static final System.Logger LOG = System.getLogger(HostedNodeServices.class.getName());
    private static final long MAX_DOWNTIME_MS = 50;
    private static final int MAX_ROUNDS = 30;
    private static final int HYBRID_ROUNDS = 2;
    /** How long a move asked for during the start hook waits for the node to take the process on its books (its onStart bound). */
    private static final long START_WAIT_MS = 30_000;
    /** How long a process that stops itself waits for a move of it to end. */
    private static final long MOVE_WAIT_MS = 600_000;
    private static final long BUSY_POLL_MS = 100;

    private final NodeDaemon node;
    private final MigrationMode mode;

    /**
     * @param config the process's settings (its {@value #MODE_KEY})
     * @throws CaravanException INVALID_ARGUMENT for an unknown mode
     */
    HostedNodeServices(NodeDaemon node, Map<String, String> config) {
        this.node = node;
        this.mode = MigrationMode.parse(config.getOrDefault(MODE_KEY, MigrationMode.PRE_COPY.label()));
    }

    @Override
    public String nodeId() {
        return node.nodeId();
    }

    @Override
    public CompletableFuture<Void> requestMigration(ProcessContext process, String targetNode, String cloneName) {
        boolean cloning = cloneName != null;
        MigrationRequest request;
        try {
            MigrationMode m = cloning && mode.resumesEarly() ? MigrationMode.PRE_COPY : mode;
            request = new MigrationRequest(process.name(), targetNode, m, MAX_DOWNTIME_MS, MAX_ROUNDS, HYBRID_ROUNDS, cloning,
                    cloning ? cloneName : "", "");
        } catch (CaravanException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("self-migrate-" + process.name()).start(() -> run(request, process, done));
        return done;
    }

    private void run(MigrationRequest request, ProcessContext process, CompletableFuture<Void> done) {
        try {
            // Asked from its start hook (an agent's first hop), the process is not on the books yet.
            if (process instanceof dev.caravan.core.process.ProcessRunner runner
                    && !node.awaitHosted(request.name(), runner, START_WAIT_MS)) {
                done.completeExceptionally(ErrorCode.NOT_HERE.exception("process " + request.name() + " did not get started on node "
                        + node.nodeId() + " within " + START_WAIT_MS + " ms; it cannot move"));
                return;
            }
            MigrationReport r = node.migration().migrate(node.sandboxDestination(request), p -> { });
            MigrationOutcome wanted = request.cloning() ? MigrationOutcome.CLONED : MigrationOutcome.COMMITTED;
            if (r.outcome() == wanted) {
                done.complete(null);
            } else {
                done.completeExceptionally(ErrorCode.UNAVAILABLE.exception((request.cloning() ? "clone to " : "move to ")
                        + request.toNode() + " ended " + r.outcome().label() + (r.detail().isEmpty() ? "" : ": " + r.detail())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(ErrorCode.UNAVAILABLE.exception("node " + node.nodeId() + " is shutting down"));
        } catch (RuntimeException | Error e) {
            done.completeExceptionally(e instanceof CaravanException ? e
                    : ErrorCode.INTERNAL.exception("moving " + request.name() + " failed: " + e));
        }
    }

    /**
     * Stops the process as NODE_STOP would, from a thread of its own (a runner cannot stop on its
     * own thread). Asked from the start hook, it first waits for the node to take the process on
     * its books; while the process is being moved it waits for the move to end (a move that commits
     * leaves nothing here to stop: NOT_HERE, and the arrival asks again at the target).
     */
    @Override
    public CompletableFuture<Void> stopSelf(ProcessContext process, String reason) {
        if (!(process instanceof dev.caravan.core.process.ProcessRunner runner)) {
            return NodeServices.super.stopSelf(process, reason);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).name("self-stop-" + process.name()).start(() -> stop(runner, reason, done));
        return done;
    }

    private void stop(dev.caravan.core.process.ProcessRunner runner, String reason, CompletableFuture<Void> done) {
        String name = runner.name();
        try {
            if (!node.awaitHosted(name, runner, START_WAIT_MS)) {
                done.completeExceptionally(ErrorCode.NOT_HERE.exception("process " + name + " is not on node " + node.nodeId()));
                return;
            }
            LOG.log(System.Logger.Level.INFO, "process " + name + " stops itself: " + reason);
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(MOVE_WAIT_MS);
            while (true) {
                try {
                    var reply = node.stopProcess(name, runner);
                    if (reply.stopped()) {
                        done.complete(null);
                    } else {
                        done.completeExceptionally(ErrorCode.UNAVAILABLE.exception("process " + name + " " + reply.detail()));
                    }
                    return;
                } catch (CaravanException e) {
                    if (e.code() != ErrorCode.BUSY || System.nanoTime() > deadline) {
                        done.completeExceptionally(e.code() == ErrorCode.NOT_FOUND
                                ? ErrorCode.NOT_HERE.exception("process " + name + " is no longer on node " + node.nodeId()) : e);
                        return;
                    }
                    // Being moved: wait (bounded) for the move to end, or for the process to stop on its own.
                    waitQuietly(runner, BUSY_POLL_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.completeExceptionally(ErrorCode.UNAVAILABLE.exception("node " + node.nodeId() + " is shutting down"));
        } catch (RuntimeException | Error e) {
            done.completeExceptionally(ErrorCode.INTERNAL.exception("stopping " + name + " failed: " + e));
        }
    }

    private static void waitQuietly(dev.caravan.core.process.ProcessRunner runner, long ms) throws InterruptedException {
        try {
            runner.terminated().get(ms, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // still running (or ended badly): ask again
        }
    }

    @Override
    public List<LocalProcess> localProcesses() {
        List<LocalProcess> out = new ArrayList<>();
        for (HostedProcess p : node.hostedProcesses()) {
            var r = p.runner();
            out.add(new LocalProcess(p.spec().name(), r.process().getClass().getName(), r.state().name(),
                    p.memory().allocatedBytes(), r.commandsServed(), r.statusLine()));
        }
        out.sort((a, b) -> a.name().compareTo(b.name()));
        return out;
    }

    @Override
    public CompletableFuture<Reply> callLocal(String caller, String name, Command command) {
        try {
            return node.hosted(name).runner().submit(command);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("interrupted calling " + name));
        } catch (CaravanException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
