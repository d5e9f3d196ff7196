package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * What a node answers to NODE_STOP.
 *
 * <pre>
 * stop-reply := bool stopped, string detail
 * </pre>
 *
 * <p>{@code stopped} is true when the process's thread ended within the node's stop deadline.
 * When false the process was <em>abandoned</em>: it no longer serves and its name is withdrawn,
 * but its thread did not stop (it ignores interrupts) and {@code detail} says what it was doing
 * and what it still holds. An empty body (a node older than this reply) means stopped.
 */
public record StopReply(boolean stopped, String detail) {
    public void writeTo(BodyWriter w) {
        w.bool(stopped).string(detail);
    }

    public static StopReply readFrom(BodyReader r) {
        if (r.remaining() == 0) {
            return new StopReply(true, "");
        }
        return new StopReply(r.bool(), r.string());
    }
}
