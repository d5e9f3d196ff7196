package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Protocol;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Semaphore;

/**
 * Helidon 4's layout: one platform thread accepts; each connection gets a virtual thread (a
 * user-level thread multiplexed on the JVM's kernel carrier threads) that serves it with
 * blocking I/O. A connection-limit token is taken before {@code accept} and released on every
 * path, so the server never holds more than {@code maxConnections}.
 */
final class VirtualThreadServer implements Server {
    private final Protocol<?, ?> protocol;
    private final ServerSocketChannel listener;
    private final ConnectionTracker tracker;
    private final Semaphore tokens;
    private final Thread acceptor;
    private final String name;
    private volatile boolean closed;

    VirtualThreadServer(Protocol<?, ?> protocol, ServerOptions options) throws IOException {
        this.protocol = protocol;
        this.name = options.name();
        listener = Listeners.open(options);
        tracker = new ConnectionTracker(Integer.MAX_VALUE);
        tokens = new Semaphore(options.maxConnections());
        acceptor = Thread.ofPlatform().name(name + "-accept").daemon(true).unstarted(this::acceptLoop);
        if (listener != null) {
            acceptor.start();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                tokens.acquire();
                SocketChannel ch;
                try {
                    ch = listener.accept();
                } catch (IOException | RuntimeException e) {
                    tokens.release();
                    throw e;
                }
                spawn(ch, true);
            } catch (ClosedChannelException | InterruptedException e) {
                return;
            } catch (IOException e) {
                Listeners.acceptFailed(this, e, closed);
            }
        }
    }

    private void spawn(SocketChannel ch, boolean holdsToken) {
        spawn(ch, holdsToken, null);
    }

    private void spawn(SocketChannel ch, boolean holdsToken, ByteBuffer alreadyRead) {
        if (!tracker.add(ch)) {
            // Refused by a shared limit (the tracker closed it).
            if (holdsToken) {
                tokens.release();
            }
            return;
        }
        try {
            Thread.ofVirtual().name(name + "-conn").start(() -> {
                try {
                    BlockingConnection.serve(ch, protocol, BlockingConnection.DIRECT, tracker, alreadyRead);
                } finally {
                    if (holdsToken) {
                        tokens.release();
                    }
                }
            });
        } catch (RuntimeException e) {
            tracker.remove(ch);
            if (holdsToken) {
                tokens.release();
            }
            throw e;
        }
    }

    @Override
    public ServerModel model() {
        return ServerModel.VIRTUAL_THREADS;
    }

    @Override
    public InetSocketAddress address() {
        return Listeners.address(listener);
    }

    @Override
    public void adopt(SocketChannel connection) {
        if (!tokens.tryAcquire()) {
            ConnectionTracker.closeQuietly(connection);
            return;
        }
        spawn(connection, true);
    }

    /** The bytes already read are decoded by the connection's virtual thread before its first read. */
    @Override
    public void adopt(SocketChannel connection, ByteBuffer alreadyRead) {
        ByteBuffer copy = ByteBuffer.allocate(alreadyRead.remaining()).put(alreadyRead.duplicate()).flip();
        if (!tokens.tryAcquire()) {
            ConnectionTracker.closeQuietly(connection);
            throw Server.atConnectionLimit(name);
        }
        spawn(connection, true, copy);
    }

    /** Said to a client refused by a shared limit ({@link #shareConnectionLimit}); its own limit closes silently. */
    @Override
    public void refuseAtConnectionLimit(byte[] reply, Runnable onRefused) {
        tracker.refuseWith(reply, onRefused);
    }

    @Override
    public void shareConnectionLimit(ConnectionGate gate) {
        tracker.gate(gate);
    }

    @Override
    public int activeConnections() {
        return tracker.size();
    }

    @Override
    public void close() {
        closed = true;
        ConnectionTracker.closeQuietly(listener);
        acceptor.interrupt();
        tracker.closeAll();
        if (acceptor.isAlive()) {
            Listeners.join(acceptor);
        }
    }
}
