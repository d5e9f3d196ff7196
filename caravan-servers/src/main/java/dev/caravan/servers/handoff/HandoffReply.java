package dev.caravan.servers.handoff;

import dev.caravan.wire.ErrorCode;

import java.util.Objects;

/**
 * A node's answer to a {@link HandoffRequest}.
 *
 * @param error   null when the node adopted the connection; otherwise why it refused (then the
 *                switch still owns the client and serves it another way)
 * @param message one line for logs ("" when adopted)
 */
public record HandoffReply(ErrorCode error, String message) {
    public static final HandoffReply ADOPTED = new HandoffReply(null, "");

    public HandoffReply {
        Objects.requireNonNull(message, "message");
    }

    public static HandoffReply refused(ErrorCode code, String message) {
        return new HandoffReply(Objects.requireNonNull(code, "code"), message);
    }

    public boolean adopted() {
        return error == null;
    }
}
