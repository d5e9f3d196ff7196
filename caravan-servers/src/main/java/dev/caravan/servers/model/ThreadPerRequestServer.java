package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Thread-per-request with platform (kernel) threads: an acceptor starts a reader thread per
 * connection; every request batch it decodes is handled on a newly created platform thread,
 * which the reader joins so that replies stay in request order. The cost the chapter warns
 * about — creating a kernel thread for each request — is paid in full.
 */
final class ThreadPerRequestServer implements Server {
    private final Protocol<?, ?> protocol;
    private final ServerSocketChannel listener;
    private final ConnectionTracker tracker;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private final String name;
    private volatile boolean closed;

    ThreadPerRequestServer(Protocol<?, ?> protocol, ServerOptions options) throws IOException {
        this.protocol = protocol;
        this.name = options.name();
        listener = Listeners.open(options);
        tracker = new ConnectionTracker(options.maxConnections());
        acceptor = Thread.ofPlatform().name(name + "-accept").daemon(true).unstarted(this::acceptLoop);
        if (listener != null) {
            acceptor.start();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                adopt(listener.accept());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Listeners.acceptFailed(this, e, closed);
            }
        }
    }

    @Override
    public void adopt(SocketChannel ch) {
        if (!tracker.add(ch)) {
            return;
        }
        Thread reader = Thread.ofPlatform().name(name + "-conn").daemon(true).unstarted(() -> {
            try {
                BlockingConnection.serve(ch, protocol, this::onNewThread, tracker);
            } finally {
                threads.remove(Thread.currentThread());
            }
        });
        threads.add(reader);
        reader.start();
    }

    /** Runs one batch on a brand-new platform thread and waits for it. */
    private void onNewThread(BlockingConnection.Batch batch) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread worker = Thread.ofPlatform().name(name + "-request").daemon(true).start(() -> {
            try {
                batch.run();
            } catch (InterruptedException e) {
                failure.set(e);
            } catch (RuntimeException | Error e) {
                failure.set(e);
            }
        });
        try {
            worker.join();
        } catch (InterruptedException e) {
            worker.interrupt();
            throw e;
        }
        switch (failure.get()) {
            case null -> { }
            case InterruptedException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case Throwable t -> throw new IllegalStateException(t);
        }
    }

    @Override
    public ServerModel model() {
        return ServerModel.THREAD_PER_REQUEST;
    }

    @Override
    public InetSocketAddress address() {
        return Listeners.address(listener);
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
        closed = true;
        ConnectionTracker.closeQuietly(listener);
        tracker.closeAll();
        threads.forEach(Thread::interrupt);
        if (acceptor.isAlive()) {
            Listeners.join(acceptor);
        }
        threads.forEach(Listeners::join);
    }
}
