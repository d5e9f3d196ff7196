package dev.caravan.servers.binary;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The small binary request/response protocol, all integers big-endian:
 *
 * <pre>
 * request:  u32 length (4..maxFrameBytes) | i32 id | length-4 bytes of data
 * reply:    u32 8                         | i32 id | i32 value
 * error:    u32 length                    | i32 -1 | i32 error code | UTF-8 message     (then close)
 * </pre>
 *
 * A length under 4 is MALFORMED; one over the limit is TOO_LARGE, refused before allocating.
 * Threading: one instance per connection, one thread at a time.
 */
public final class BinaryCodec implements Codec<BinaryRequest, BinaryReply> {
    /** Id of an error frame. */
    public static final int ERROR_ID = -1;
    private final int maxFrameBytes;

    public BinaryCodec(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public BinaryRequest decode(ByteBuffer in) {
        if (in.remaining() < 4) {
            return null;
        }
        int p = in.position();
        long len = in.getInt(p) & 0xFFFF_FFFFL;
        if (len < 4) {
            throw ErrorCode.MALFORMED.exception("binary frame length " + len + " is shorter than its 4-byte id");
        }
        if (len > maxFrameBytes) {
            throw ErrorCode.TOO_LARGE.exception("binary frame of " + len + " bytes exceeds the limit of " + maxFrameBytes);
        }
        if (in.remaining() < 4 + len) {
            return null;
        }
        int id = in.getInt(p + 4);
        byte[] data = new byte[(int) len - 4];
        in.get(p + 8, data);
        in.position(p + 4 + (int) len);
        return new BinaryRequest(id, data);
    }

    @Override
    public void encode(BinaryReply reply, OutBuffer out) {
        out.writeInt(8);
        out.writeInt(reply.id());
        out.writeInt(reply.value());
    }

    @Override
    public void encodeError(CaravanException error, OutBuffer out) {
        byte[] msg = String.valueOf(error.getMessage()).getBytes(StandardCharsets.UTF_8);
        out.writeInt(8 + msg.length);
        out.writeInt(ERROR_ID);
        out.writeInt(error.code().value());
        out.write(msg);
    }

    @Override
    public int maxBufferedBytes() {
        return maxFrameBytes + 4;
    }
}
