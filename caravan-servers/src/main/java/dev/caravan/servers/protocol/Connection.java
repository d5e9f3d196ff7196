package dev.caravan.servers.protocol;

import java.net.InetSocketAddress;

/**
 * One client connection as the model serving it exposes it to its {@link Codec} (see
 * {@link Protocol#newCodec(Connection)}): where the client is, where it connected to, and a
 * way to end it.
 *
 * <p>Threading: every method may be called from any thread.
 */
public interface Connection {
    /** The client's address; null when the model could not tell (an in-memory transport). */
    InetSocketAddress remoteAddress();

    /** The address the client connected to; null when the model could not tell. */
    InetSocketAddress localAddress();

    /**
     * Closes the connection without writing anything more; returns at once. The model then
     * ends it as if the peer had closed it, and {@link Codec#onClosed()} follows.
     */
    void close();

    /**
     * {@code host:port} as Redis writes it in {@code CLIENT LIST} ({@code [host]:port} for IPv6;
     * source: redis 7.0 {@code anetFormatAddr}); "" for null.
     */
    static String hostPort(InetSocketAddress a) {
        if (a == null) {
            return "";
        }
        String host = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + a.getPort() : host + ":" + a.getPort();
    }
}
