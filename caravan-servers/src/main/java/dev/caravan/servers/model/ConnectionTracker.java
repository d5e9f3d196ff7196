package dev.caravan.servers.model;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open connections of one server, with its connection limit. Thread-safe. */
final class ConnectionTracker {
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final int max;
    private volatile byte[] refusal;
    private volatile Runnable onRefused = () -> { };
    /** A limit shared with other servers, or null; connections admitted through it are in {@link #gated}. */
    private volatile ConnectionGate gate;
    private final Set<SocketChannel> gated = ConcurrentHashMap.newKeySet();

    ConnectionTracker(int max) {
        this.max = max;
    }

    /** Takes a connection slot; closes the channel and returns false when the server is full. */
    boolean add(SocketChannel ch) {
        if (open.size() >= max) {
            refuse(ch);
            return false;
        }
        ConnectionGate g = gate;
        if (g != null) {
            if (!g.tryAcquire()) {
                refuse(ch);
                return false;
            }
            gated.add(ch);
        }
        open.add(ch);
        return true;
    }

    /** From now on every new connection also takes a slot of {@code shared} (see {@link ConnectionGate}). */
    void gate(ConnectionGate shared) {
        this.gate = shared;
    }

    /** What a client refused at the limit is sent before its connection is closed (null: nothing), and who is told. */
    void refuseWith(byte[] reply, Runnable told) {
        this.refusal = reply == null ? null : reply.clone();
        this.onRefused = told;
    }

    private void refuse(SocketChannel ch) {
        byte[] reply = refusal;
        if (reply != null) {
            try {
                // Best effort, as redis-server: a few bytes fit a fresh socket's send buffer.
                ch.write(java.nio.ByteBuffer.wrap(reply));
            } catch (IOException | RuntimeException ignored) {
                // The client went already; it is closed below either way.
            }
        }
        closeQuietly(ch);
        try {
            onRefused.run();
        } catch (RuntimeException ignored) {
            // Counting a refusal must not break accepting.
        }
    }

    void remove(SocketChannel ch) {
        open.remove(ch);
        if (gated.remove(ch)) {
            ConnectionGate g = gate;
            if (g != null) {
                g.release();
            }
        }
        closeQuietly(ch);
    }

    int size() {
        return open.size();
    }

    void closeAll() {
        for (SocketChannel ch : open) {
            remove(ch);
        }
    }

    static void closeQuietly(java.io.Closeable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (IOException ignored) {
            // Closing is best effort: the peer sees the connection end either way.
        }
    }
}
