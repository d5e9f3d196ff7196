package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The iterative server: one thread accepts a connection, serves it until the client closes,
 * then accepts the next. Other clients wait in the listen backlog (their connects succeed,
 * their requests are not read). Adopted connections are served between accepted ones; an
 * adopt-only server waits for them.
 */
final class IterativeServer implements Server {
    private final ServerSocketChannel listener;
    private final LinkedBlockingQueue<SocketChannel> adopted = new LinkedBlockingQueue<>();
    private final ConnectionTracker tracker;
    private final Thread thread;
    private volatile boolean closed;

    <Q, R> IterativeServer(Protocol<Q, R> protocol, ServerOptions options) throws IOException {
        listener = Listeners.open(options);
        tracker = new ConnectionTracker(options.maxConnections());
        thread = Thread.ofPlatform().name(options.name() + "-iterative").daemon(true).unstarted(() -> run(protocol));
        thread.start();
    }

    private <Q, R> void run(Protocol<Q, R> protocol) {
        while (!closed) {
            try {
                SocketChannel next = adopted.poll();
                if (next == null) {
                    next = listener != null ? listener.accept() : adopted.take();
                }
                if (tracker.add(next)) {
                    BlockingConnection.serve(next, protocol, BlockingConnection.DIRECT, tracker);
                }
            } catch (ClosedChannelException | InterruptedException e) {
                return;
            } catch (IOException e) {
                Listeners.acceptFailed(this, e, closed);
            }
        }
    }

    @Override
    public ServerModel model() {
        return ServerModel.ITERATIVE;
    }

    @Override
    public InetSocketAddress address() {
        return Listeners.address(listener);
    }

    @Override
    public void adopt(SocketChannel connection) {
        adopted.add(connection);
    }

    @Override
    public int activeConnections() {
        return tracker.size() + adopted.size();
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
        thread.interrupt();
        Listeners.join(thread);
        adopted.forEach(ConnectionTracker::closeQuietly);
    }
}
