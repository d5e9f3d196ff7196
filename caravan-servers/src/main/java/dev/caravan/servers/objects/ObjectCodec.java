package dev.caravan.servers.objects;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * The object adapter's binary protocol, big-endian; {@code str} is u16 byte count + UTF-8:
 *
 * <pre>
 * request:  u32 length | i32 callId | str identity | str operation | str argument
 * reply:    u32 length | i32 callId | i32 status (0 ok, else ErrorCode) | str result-or-message
 * error:    u32 length | i32 -1     | i32 ErrorCode                     | str message      (then close)
 * </pre>
 *
 * <p>A length under 10 or fields that overrun it are MALFORMED, over {@link #MAX_FRAME_BYTES}
 * TOO_LARGE (refused before allocating). Each codec is one connection, so it is also the
 * client's session: it stamps every request with its own session id.
 *
 * <p>Threading: one instance per connection, one thread at a time.
 */
public final class ObjectCodec implements Codec<ObjectRequest, ObjectReply> {
    public static final int MAX_FRAME_BYTES = 64 * 1024;
    public static final int ERROR_CALL_ID = -1;
    private final long sessionId;

    public ObjectCodec(long sessionId) {
        this.sessionId = sessionId;
    }

    @Override
    public ObjectRequest decode(ByteBuffer in) {
        if (in.remaining() < 4) {
            return null;
        }
        int p = in.position();
        long len = in.getInt(p) & 0xFFFF_FFFFL;
        if (len < 10) {
            throw ErrorCode.MALFORMED.exception("object frame length " + len + " is shorter than its header");
        }
        if (len > MAX_FRAME_BYTES) {
            throw ErrorCode.TOO_LARGE.exception("object frame of " + len + " bytes exceeds " + MAX_FRAME_BYTES);
        }
        if (in.remaining() < 4 + len) {
            return null;
        }
        ByteBuffer frame = in.duplicate().position(p + 4).limit(p + 4 + (int) len);
        in.position(p + 4 + (int) len);
        int callId = frame.getInt();
        String identity = str(frame, "identity");
        String operation = str(frame, "operation");
        String argument = str(frame, "argument");
        if (frame.hasRemaining()) {
            throw ErrorCode.MALFORMED.exception(frame.remaining() + " bytes after the argument");
        }
        return new ObjectRequest(sessionId, callId, identity, operation, argument);
    }

    private static String str(ByteBuffer frame, String what) {
        if (frame.remaining() < 2) {
            throw ErrorCode.MALFORMED.exception("frame ends before the " + what);
        }
        int n = Short.toUnsignedInt(frame.getShort());
        if (frame.remaining() < n) {
            throw ErrorCode.MALFORMED.exception(what + " of " + n + " bytes overruns the frame");
        }
        ByteBuffer bytes = frame.slice(frame.position(), n);
        frame.position(frame.position() + n);
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(bytes).toString();
        } catch (CharacterCodingException e) {
            throw ErrorCode.MALFORMED.exception(what + " is not UTF-8");
        }
    }

    @Override
    public void encode(ObjectReply reply, OutBuffer out) {
        byte[] text = truncated(reply.text());
        out.writeInt(4 + 4 + 2 + text.length);
        out.writeInt(reply.callId());
        out.writeInt(reply.status());
        out.write((byte) (text.length >>> 8));
        out.write((byte) text.length);
        out.write(text);
    }

    private static byte[] truncated(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 0xFFFF ? b : java.util.Arrays.copyOf(b, 0xFFFF);
    }

    @Override
    public void encodeError(CaravanException error, OutBuffer out) {
        encode(ObjectReply.error(ERROR_CALL_ID, error), out);
    }

    @Override
    public int maxBufferedBytes() {
        return MAX_FRAME_BYTES + 4;
    }
}
