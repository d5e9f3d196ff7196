package dev.caravan.servers.model;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open connections of one server, with its connection limit. Thread-safe. */
final class ConnectionTracker {
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final int max;

    ConnectionTracker(int max) {
        this.max = max;
    }

    /** Takes a connection slot; closes the channel and returns false when the server is full. */
    boolean add(SocketChannel ch) {
        if (open.size() >= max) {
            closeQuietly(ch);
            return false;
        }
        open.add(ch);
        return true;
    }

    void remove(SocketChannel ch) {
        open.remove(ch);
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
