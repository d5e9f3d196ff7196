package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The selector-based models: {@link ServerModel#EVENT_LOOP} (one loop, handlers inline),
 * {@link ServerModel#HYBRID} (one loop per core; loop 0 accepts and deals connections round
 * robin) and {@link ServerModel#DISPATCHER_WORKER} (one loop as the dispatcher; handlers run on
 * a fixed pool of platform workers fed through a bounded buffer — when the buffer is full the
 * dispatcher blocks on it, which is the bounded buffer's back-pressure).
 */
final class LoopServer implements Server {
    private final ServerModel model;
    private final ServerSocketChannel listener;
    private final SelectorLoop[] loops;
    private final ThreadPoolExecutor workers;
    private final ConnectionTracker tracker;
    private final AtomicInteger next = new AtomicInteger();

    private LoopServer(ServerModel model, Protocol<?, ?> protocol, ServerOptions options, int loopCount, boolean offload) throws IOException {
        this.model = model;
        this.tracker = new ConnectionTracker(options.maxConnections());
        this.workers = offload ? workerPool(options) : null;
        this.loops = new SelectorLoop[loopCount];
        ServerSocketChannel ch = null;
        try {
            for (int i = 0; i < loopCount; i++) {
                loops[i] = new SelectorLoop(options.name() + "-" + model.cliName() + "-" + i, protocol, workers, tracker);
            }
            ch = Listeners.open(options);
            if (ch != null) {
                loops[0].listen(ch, this::dealOut);
            }
        } catch (IOException | RuntimeException e) {
            ConnectionTracker.closeQuietly(ch);
            if (workers != null) {
                workers.shutdownNow();
            }
            throw e;
        }
        this.listener = ch;
        for (SelectorLoop l : loops) {
            l.start();
        }
    }

    static LoopServer eventLoop(Protocol<?, ?> p, ServerOptions o) throws IOException {
        return new LoopServer(ServerModel.EVENT_LOOP, p, o, 1, false);
    }

    static LoopServer hybrid(Protocol<?, ?> p, ServerOptions o) throws IOException {
        return new LoopServer(ServerModel.HYBRID, p, o, o.loops(), false);
    }

    static LoopServer dispatcherWorker(Protocol<?, ?> p, ServerOptions o) throws IOException {
        return new LoopServer(ServerModel.DISPATCHER_WORKER, p, o, 1, true);
    }

    private static ThreadPoolExecutor workerPool(ServerOptions o) {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(o.workers(), o.workers(), 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(o.queueCapacity()),
                r -> Thread.ofPlatform().name(o.name() + "-worker-" + n.incrementAndGet()).daemon(true).unstarted(r),
                (r, executor) -> {
                    if (executor.isShutdown()) {
                        throw new RejectedExecutionException("workers stopped");
                    }
                    try {
                        executor.getQueue().put(r);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException("interrupted while the bounded buffer was full", e);
                    }
                });
        pool.prestartAllCoreThreads();
        return pool;
    }

    private void dealOut(SocketChannel ch) {
        loops[Math.floorMod(next.getAndIncrement(), loops.length)].register(ch);
    }

    @Override
    public ServerModel model() {
        return model;
    }

    @Override
    public InetSocketAddress address() {
        return Listeners.address(listener);
    }

    @Override
    public void adopt(SocketChannel connection) {
        if (tracker.add(connection)) {
            dealOut(connection);
        }
    }

    @Override
    public int activeConnections() {
        return tracker.size();
    }

    @Override
    public void refuseAtConnectionLimit(byte[] reply, Runnable onRefused) {
        tracker.refuseWith(reply, onRefused);
    }

    @Override
    public void shareConnectionLimit(ConnectionGate gate) {
        tracker.gate(gate);
    }

    @Override
    public void close() {
        ConnectionTracker.closeQuietly(listener);
        if (workers != null) {
            workers.shutdownNow();
        }
        for (SelectorLoop l : loops) {
            l.close();
        }
        tracker.closeAll();
    }
}
