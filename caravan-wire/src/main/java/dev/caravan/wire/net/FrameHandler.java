package dev.caravan.wire.net;

import dev.caravan.wire.Frame;

/**
 * Serves the frames of one binary port. Called on the connection's own virtual thread, one
 * frame at a time per connection; different connections call concurrently, so an
 * implementation that shares state between connections must make it thread-safe.
 */
public interface FrameHandler {
    /**
     * Handles one request frame after the handshake.
     *
     * @return the reply to send, or {@code null} to send none
     * @throws dev.caravan.wire.CaravanException to reply with its error code; the connection stays open
     */
    Frame onFrame(FrameConnection connection, Frame request) throws Exception;

    /**
     * Decides whether the connection's {@link FrameConnection#identity() identity} may make this
     * request; called before {@link #onFrame} for every frame after the handshake. The default
     * admits everything (a port that enforces no roles).
     *
     * @throws dev.caravan.wire.CaravanException FORBIDDEN to refuse it; the connection stays open
     */
    default void authorize(FrameConnection connection, Frame request) {
    }

    /**
     * Who the peer is by its HELLO, for a port that knows tokens with roles (see
     * {@link dev.caravan.wire.security.TokenAuthenticator}); null (the default) leaves it to the
     * server's single cluster token. Called on the connection's thread during the handshake.
     *
     * @throws dev.caravan.wire.CaravanException UNAUTHENTICATED to refuse the peer; the connection closes
     */
    default dev.caravan.wire.security.Identity authenticate(Hello hello) {
        return null;
    }

    /**
     * The largest body this port takes for frames of {@code type}, checked from the frame's header
     * before its body is read (a bigger one is skipped and refused TOO_LARGE, the connection kept).
     * Default: no limit but the port's frame limit. Called on the connection's thread.
     */
    default long maxBodyBytes(int type) {
        return Long.MAX_VALUE;
    }

    /** Called once when a connection closes, whatever the reason. */
    default void onClose(FrameConnection connection) {
    }
}
