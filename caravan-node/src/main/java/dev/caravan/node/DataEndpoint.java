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
import dev.caravan.wire.resp.RespLimits;

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
 * <p>Big values: arguments over 1 MiB arrive off-heap; the batch holds a reference to them
 * from its submission until the process has answered it (even when the connection's thread
 * stopped waiting), and replies the process answers off-heap are written from there. Request
 * limits are the node's ({@link NodeConfig#respLimits}) overridden by the deployment's settings
 * of the same names ({@link RespLimits#with}); with a password set ({@value #PASSWORD_KEY}),
 * unauthenticated clients get redis-server's stricter limits.
 *
 * <p>Bad input: a protocol error is answered with Redis's {@code -ERR Protocol error: ...} and
 * that connection is closed; others are untouched. While the node does not own the process
 * (lease lost) every command is answered {@code -TRYAGAIN}; after the process moved, {@code -MOVED}.
 */
final class DataEndpoint implements AutoCloseable {
    /** Config key choosing the server model (see {@link ServerModel#parse}). */
    static final String MODEL_KEY = "server.model";
    /** Config key under which a deployment stores its password's SHA-256: present when clients must authenticate. */
    static final String PASSWORD_KEY = "auth.password.sha256";

    private final String processName;
    private final ProcessRunner runner;
    private final BooleanSupplier owned;
    private final Server server;
    private volatile String movedTo;

    DataEndpoint(String processName, ProcessRunner runner, BooleanSupplier owned, String bindHost, ServerModel model,
                 RespLimits limits, boolean passwordRequired) {
        this.processName = processName;
        this.runner = runner;
        this.owned = owned;
        this.server = model.start(new RespProtocol(this::execute, limits, passwordRequired),
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
        Command[] commands = batch.toArray(Command[]::new);
        CompletableFuture<Reply[]> done = new CompletableFuture<>();
        // The process may run the batch after this thread stopped waiting: it holds its own
        // references to the off-heap arguments, given back when the batch is answered, and
        // replies nobody waits for any more are released there.
        for (Command c : commands) {
            c.retain();
        }
        try {
            runner.submit(commands, replies -> {
                releaseAll(commands);
                if (!done.complete(replies)) {
                    for (Reply r : replies) {
                        Reply.release(r);
                    }
                }
            });
        } catch (CaravanException e) {
            releaseAll(commands);
            if (e.code() == dev.caravan.wire.ErrorCode.PROCESS_FAILED) {
                return failed(batch.size());
            }
            moved = movedTo;
            return fill(batch.size(), Reply.error(moved != null ? "MOVED " + moved : "TRYAGAIN " + e.getMessage()));
        } catch (InterruptedException | RuntimeException e) {
            releaseAll(commands);
            throw e;
        }
        try {
            return done.get();
        } catch (InterruptedException e) {
            if (!done.cancel(false)) {
                for (Reply r : done.getNow(new Reply[0])) {
                    Reply.release(r);
                }
            }
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
    }

    private static void releaseAll(Command[] commands) {
        for (Command c : commands) {
            c.release();
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
