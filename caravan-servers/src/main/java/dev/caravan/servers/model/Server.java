package dev.caravan.servers.model;

import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
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

    /**
     * Serves a connection accepted elsewhere whose first bytes were already read from it (a TCP
     * handoff: the switch read the client's first request to choose this server): the server
     * decodes {@code alreadyRead} before anything it reads from the channel, so the connection is
     * an ordinary client connection of this server (its own session, limits and rules). The
     * channel may be in either blocking mode; the server owns it from the call on, also when it
     * refuses it. {@code alreadyRead} is copied before the call returns (position to limit).
     *
     * <p>Supported by {@link ServerModel#PROCESS_THREAD} and {@link ServerModel#VIRTUAL_THREADS};
     * other models serve only a connection with nothing read yet.
     *
     * @throws dev.caravan.wire.CaravanException NOT_SUPPORTED (the channel closed) when this model cannot
     *                                           take bytes already read; UNAVAILABLE (the channel closed) when
     *                                           the server is at its connection limit
     */
    default void adopt(SocketChannel connection, ByteBuffer alreadyRead) {
        if (alreadyRead.hasRemaining()) {
            ConnectionTracker.closeQuietly(connection);
            throw ErrorCode.NOT_SUPPORTED.exception(model().cliName() + " servers cannot take a connection with bytes already read;"
                    + " use process-thread or virtual-threads");
        }
        adopt(connection);
    }

    /**
     * What a client connecting beyond {@link ServerOptions#maxConnections} gets before its connection
     * is closed (as redis-server's {@code -ERR max number of clients reached}), and who is told of each
     * refusal. Models that cannot say anything close silently (the default).
     */
    default void refuseAtConnectionLimit(byte[] reply, Runnable onRefused) {
    }

    /**
     * Makes every new connection also take a slot of {@code gate}, a limit shared with other servers;
     * a connection the gate refuses is refused as at {@link ServerOptions#maxConnections}. Connections
     * open already are not counted. Every model of {@link ServerModel} supports it.
     */
    default void shareConnectionLimit(ConnectionGate gate) {
        throw ErrorCode.NOT_SUPPORTED.exception(model().cliName() + " servers cannot share a connection limit");
    }

    /** The refusal of a connection adopted at the connection limit (what {@link #adopt(SocketChannel, ByteBuffer)} throws). */
    static dev.caravan.wire.CaravanException atConnectionLimit(String serverName) {
        return ErrorCode.UNAVAILABLE.exception(serverName + " is at its connection limit; connection not adopted");
    }

    /** Connections open right now. */
    int activeConnections();

    @Override
    void close();
}
