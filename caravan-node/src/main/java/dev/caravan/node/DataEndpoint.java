package dev.caravan.node;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A process's data endpoint: a RESP2 port (what redis-cli and redis-benchmark speak), served by
 * one of the server toolkit's models (virtual threads unless the deployment chose another).
 * Each batch a client pipelined is posted to the process's mailbox as one unit and its replies
 * written in order; the connection's thread never touches process state.
 *
 * <p>Bad input: a protocol error is answered with Redis's {@code -ERR Protocol error: ...} and
 * that connection is closed; others are untouched. While the node does not own the process
 * (lease lost) every command is answered {@code -TRYAGAIN}; after the process moved, {@code -MOVED}.
 */
final class DataEndpoint implements AutoCloseable {
    /** Config key choosing the server model (see {@link ServerModel#parse}). */
    static final String MODEL_KEY = "server.model";

    private final String processName;
    private final ProcessRunner runner;
    private final BooleanSupplier owned;
    private final Server server;
    private volatile String movedTo;

    DataEndpoint(String processName, ProcessRunner runner, BooleanSupplier owned, String bindHost, ServerModel model) {
        this.processName = processName;
        this.runner = runner;
        this.owned = owned;
        this.server = model.start(new RespProtocol(this::execute),
                ServerOptions.defaults().withBind(new InetSocketAddress(bindHost, 0)).withName("data-" + processName));
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
        String moved = movedTo;
        if (moved != null) {
            return fill(batch.size(), Reply.error("MOVED " + moved));
        }
        if (runner.state() == ProcessState.FAILED) {
            return failed(batch.size());
        }
        if (!owned.getAsBoolean()) {
            return fill(batch.size(), Reply.error("TRYAGAIN this node does not own process " + processName
                    + " right now; look it up again"));
        }
        CompletableFuture<Reply[]> done = new CompletableFuture<>();
        try {
            runner.submit(batch.toArray(Command[]::new), done::complete);
        } catch (CaravanException e) {
            if (e.code() == dev.caravan.wire.ErrorCode.PROCESS_FAILED) {
                return failed(batch.size());
            }
            moved = movedTo;
            return fill(batch.size(), Reply.error(moved != null ? "MOVED " + moved : "TRYAGAIN " + e.getMessage()));
        }
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
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
