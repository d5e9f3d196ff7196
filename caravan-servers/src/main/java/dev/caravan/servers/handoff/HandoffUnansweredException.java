package dev.caravan.servers.handoff;

import java.io.IOException;

/**
 * A handoff request reached the node's socket but no answer came back (timeout, or the node
 * closed the connection): the node may have adopted the connection. The switch must then give
 * the client up (close its own copy) and must not serve it another way — two owners of one
 * client connection would interleave their replies.
 */
public final class HandoffUnansweredException extends IOException {
    private static final long serialVersionUID = 1L;

    public HandoffUnansweredException(String message, Throwable cause) {
        super(message, cause);
    }
}
