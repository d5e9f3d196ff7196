package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.command.CommandCodec;
import dev.caravan.wire.command.Reply;

/**
 * Reply body of {@link dev.caravan.wire.Op#NODE_EVAL} (layout in {@link EvalRequest}): what the
 * function answered, the wall time it ran on the node and the Java heap bytes its thread allocated.
 */
public record EvalResult(Reply reply, long elapsedNs, long allocatedBytes) {
    public void writeTo(BodyWriter w) {
        CommandCodec.write(w, reply);
        w.i64(elapsedNs).i64(allocatedBytes);
    }

    public static EvalResult readFrom(BodyReader r) {
        return new EvalResult(CommandCodec.readReply(r), r.i64(), r.i64());
    }
}
