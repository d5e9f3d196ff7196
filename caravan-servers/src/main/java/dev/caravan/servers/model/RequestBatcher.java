package dev.caravan.servers.model;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.wire.ErrorCode;

import java.nio.ByteBuffer;
import java.util.List;

/** Decoding shared by every model: pipelined requests into one batch, read-buffer growth. */
final class RequestBatcher {
    /** Most pipelined requests handed to the protocol as one batch (as the node's data endpoint). */
    static final int MAX_BATCH = 1024;
    static final int INITIAL_READ_BYTES = 16 * 1024;

    private RequestBatcher() {
    }

    /** Decodes every complete request buffered in {@code in} (read mode) into {@code batch}. */
    static <Q, R> void decodeAvailable(Codec<Q, R> codec, ByteBuffer in, List<Q> batch) {
        while (batch.size() < MAX_BATCH) {
            Q q = codec.decode(in);
            if (q == null) {
                return;
            }
            batch.add(q);
        }
    }

    /**
     * Turns {@code in} from read mode to write mode with room for more bytes, growing it up to
     * the codec's limit.
     *
     * @return the buffer to read into (maybe a new, larger one)
     */
    static ByteBuffer makeRoom(ByteBuffer in, int maxBytes) {
        in.compact();
        if (in.hasRemaining()) {
            return in;
        }
        if (in.capacity() >= maxBytes) {
            throw ErrorCode.TOO_LARGE.exception("request exceeds " + maxBytes + " buffered bytes");
        }
        ByteBuffer bigger = ByteBuffer.allocate((int) Math.min(maxBytes, 2L * in.capacity()));
        in.flip();
        bigger.put(in);
        return bigger;
    }
}
