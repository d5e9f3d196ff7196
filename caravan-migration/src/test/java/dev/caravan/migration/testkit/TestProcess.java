package dev.caravan.migration.testkit;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.migration.MovableProcess;
import dev.caravan.migration.RecentReplies;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessSpec;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;

/**
 * A process as a {@link TestNode} holds it: a real {@link ProcessRunner} over a real
 * {@link PagedMemory}, and a RESP data endpoint that answers as caravan-node's DataEndpoint
 * does ({@code -MOVED} after a move, an error once failed, {@code -TRYAGAIN} while the node does
 * not own its processes). No stable endpoint: {@link #front()} is "".
 */
public final class TestProcess implements MovableProcess {
    private final ProcessSpec spec;
    private final ProcessRunner runner;
    private final PagedMemory memory;
    private final Server endpoint;
    private final BooleanSupplier owned;
    private final Runnable gate;
    private final RecentReplies recentReplies = new RecentReplies(RecentReplies.DEFAULT_CAPACITY);
    private volatile String movedTo;
    private final java.util.Set<Long> closeNotices = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** @param gate run before each batch: blocks while the node is frozen */
    TestProcess(ProcessSpec spec, ProcessRunner runner, PagedMemory memory, BooleanSupplier owned, Runnable gate) {
        this.gate = gate;
        this.spec = spec;
        this.runner = runner;
        this.memory = memory;
        this.owned = owned;
        this.endpoint = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(new Sessions()).withSessionLink(""), ServerOptions.defaults()
                .withBind(new InetSocketAddress(TestNode.LOOPBACK, 0)).withName("data-" + spec.name()).withWorkers(4));
    }

    @Override
    public ProcessSpec spec() {
        return spec;
    }

    @Override
    public ProcessRunner runner() {
        return runner;
    }

    @Override
    public PagedMemory memory() {
        return memory;
    }

    @Override
    public String front() {
        return "";
    }

    @Override
    public String dataHost() {
        return TestNode.LOOPBACK;
    }

    @Override
    public int dataPort() {
        return endpoint.port();
    }

    @Override
    public RecentReplies recentReplies() {
        return recentReplies;
    }

    public ProcessState state() {
        return runner.state();
    }

    /** Whether session {@code id}'s close was queued for the process here (its client's connection closed). */
    public boolean closeNoticeQueued(long id) {
        return closeNotices.contains(id);
    }

    boolean hasMoved() {
        return movedTo != null;
    }

    void movedTo(long epoch, String hostPort) {
        movedTo = epoch + " " + hostPort;
    }

    /** Each client's batches in its own session, and its close told to the process, as the node's data endpoint does. */
    private final class Sessions implements RespCommandHandler {
        @Override
        public Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
            return TestProcess.this.execute(session.client(), batch);
        }

        @Override
        public void onClosed(RespSession session) {
            if (runner.clientClosed(session.id())) {
                closeNotices.add(session.id());
            }
        }
    }

    private Reply[] execute(ClientRef client, List<Command> batch) throws InterruptedException {
        gate.run();
        String moved = movedTo;
        if (moved != null) {
            return fill(batch.size(), Reply.error("MOVED " + moved));
        }
        if (runner.state() == ProcessState.FAILED) {
            return fill(batch.size(), Reply.error("ERR process " + spec.name() + " has failed on this node"));
        }
        if (!owned.getAsBoolean()) {
            return fill(batch.size(), Reply.error("TRYAGAIN this node does not own process " + spec.name()));
        }
        CompletableFuture<Reply[]> done = new CompletableFuture<>();
        try {
            runner.submit(client, batch.toArray(Command[]::new), done::complete);
        } catch (CaravanException e) {
            moved = movedTo;
            return fill(batch.size(), Reply.error(moved != null ? "MOVED " + moved : "TRYAGAIN " + e.getMessage()));
        }
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("batch completion failed", e.getCause());
        }
    }

    private static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        Arrays.fill(replies, r);
        return replies;
    }

    /** Closes the data endpoint only (the process may still be stopped or handed off). */
    void closeEndpoint() {
        endpoint.close();
    }

    /** Stops the process and its endpoint; frees the memory. */
    void close() throws InterruptedException {
        endpoint.close();
        runner.stop(java.time.Duration.ofSeconds(5));
        memory.close();
    }
}
