package dev.caravan.servers.model;

import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A running server of some {@link ServerModel}. Thread-safe.
 *
 * <p>Lifecycle: started by {@link ServerModel#start}; {@link #close()} stops accepting, closes
 * every connection, interrupts handlers in progress and joins the model's threads.
 */
public interface Server extends AutoCloseable {
    ServerModel model();

    /** The bound listening address, or {@code null} for an adopt-only server (no listener). */
    InetSocketAddress address();

    /** The bound port (0 for an adopt-only server). */
    default int port() {
        InetSocketAddress a = address();
        return a == null ? 0 : a.getPort();
    }

    /**
     * Serves a connection accepted elsewhere (the superserver's hand-off) exactly as if this
     * server had accepted it. The channel may be in either blocking mode; the server owns it.
     */
    void adopt(SocketChannel connection);

    /** Connections open right now. */
    int activeConnections();

    @Override
    void close();
}
