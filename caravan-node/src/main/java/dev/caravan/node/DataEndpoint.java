package dev.caravan.node;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.servers.model.DrivenLoopServer;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.AsyncRespProtocol;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A process's data endpoint: a RESP2 port (what redis-cli and redis-benchmark speak), served by
 * one of the server toolkit's models. By default ({@link ServerModel#PROCESS_THREAD}) the
 * process's own thread serves its connections between other work, as redis-server's one thread
 * does: it reads a batch a client pipelined, executes it and writes the replies, with no thread
 * hand-off; a batch that cannot run at once (the process is frozen for a migration) waits in the
 * mailbox and is answered when it runs or is forwarded. With any other model, each batch is
 * posted to the process's mailbox as one unit and its replies written in order by the
 * connection's thread, which never touches process state.
 *
 * <p>Bad input: a protocol error is answered with Redis's {@code -ERR Protocol error: ...} and
 * that connection is closed; others are untouched. While the node does not own the process
 * (lease lost) every command is answered {@code -TRYAGAIN}; after the process moved, {@code -MOVED}.
 */
final class DataEndpoint implements AutoCloseable {
    /** Config key choosing the server model (see {@link ServerModel#parse}). */
    static final String MODEL_KEY = "server.model";
    /** The model unless the deployment chose another: the process thread serves its own connections. */
    static final ServerModel DEFAULT_MODEL = ServerModel.PROCESS_THREAD;

    private final String processName;
    private final ProcessRunner runner;
    private final BooleanSupplier owned;
    private final Server server;
    private volatile String movedTo;

    DataEndpoint(String processName, ProcessRunner runner, BooleanSupplier owned, String bindHost, ServerModel model) {
        this.processName = processName;
        this.runner = runner;
        this.owned = owned;
        ServerOptions options = ServerOptions.defaults().withBind(new InetSocketAddress(bindHost, 0)).withName("data-" + processName);
        if (model == ServerModel.PROCESS_THREAD) {
            DrivenLoopServer loop;
            try {
                loop = DrivenLoopServer.forOwner(new AsyncRespProtocol(this::executeOnProcessThread), options);
            } catch (IOException e) {
                throw new UncheckedIOException("data endpoint of " + processName + " could not start: " + e.getMessage(), e);
            }
            runner.attach(loop);
            this.server = loop;
        } else {
            this.server = model.start(new RespProtocol(this::execute), options);
        }
    }

    int port() {
        return server.port();
    }

    ServerModel model() {
        return server.model();
    }

    /**
     * From now on every command is answered {@code -MOVED <epoch> <host:port>}: the process lives
     * there now (a stable endpoint or a cluster-aware client resends; nothing was executed here).
     */
    void movedTo(long epoch, String hostPort) {
        movedTo = epoch + " " + hostPort;
    }

    private Reply[] execute(List<Command> batch) throws InterruptedException {
        Reply[] refused = refusal(batch.size());
        if (refused != null) {
            return refused;
        }
        CompletableFuture<Reply[]> done = new CompletableFuture<>();
        try {
            runner.submit(batch.toArray(Command[]::new), done::complete);
        } catch (CaravanException e) {
            return notTaken(batch.size(), e);
        }
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
    }

    /** {@link ServerModel#PROCESS_THREAD}: on the process thread (or the loop's own thread once the process left). */
    private void executeOnProcessThread(List<Command> batch, Consumer<Reply[]> done) {
        Reply[] refused = refusal(batch.size());
        if (refused != null) {
            done.accept(refused);
            return;
        }
        try {
            runner.submitFromProcessThread(batch.toArray(Command[]::new), done::accept);
        } catch (CaravanException e) {
            done.accept(notTaken(batch.size(), e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.accept(fill(batch.size(), Reply.error("TRYAGAIN process " + processName + " is stopping here")));
        }
    }

    /** The answer when the batch must not reach the process here (moved, failed, not owned); null when it may. */
    private Reply[] refusal(int n) {
        String moved = movedTo;
        if (moved != null) {
            return fill(n, Reply.error("MOVED " + moved));
        }
        if (runner.state() == ProcessState.FAILED) {
            return failed(n);
        }
        if (!owned.getAsBoolean()) {
            return fill(n, Reply.error("TRYAGAIN this node does not own process " + processName
                    + " right now; look it up again"));
        }
        return null;
    }

    /** The answer when the runner refused the batch. */
    private Reply[] notTaken(int n, CaravanException e) {
        if (e.code() == dev.caravan.wire.ErrorCode.PROCESS_FAILED) {
            return failed(n);
        }
        String moved = movedTo;
        return fill(n, Reply.error(moved != null ? "MOVED " + moved : "TRYAGAIN " + e.getMessage()));
    }

    private Reply[] failed(int n) {
        return fill(n, Reply.error("ERR process " + processName + " has failed on this node: " + runner.failureReason()));
    }

    static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        java.util.Arrays.fill(replies, r);
        return replies;
    }

    @Override
    public void close() {
        server.close();
    }
}
