package dev.caravan.wire;

/**
 * One message on a Caravan binary port (naming service, node control).
 *
 * <pre>
 *   0        4         5        7                15
 *   +--------+---------+--------+-----------------+------------------+
 *   | length | version |  type  |   requestId     |  body            |
 *   | int32  |  uint8  | uint16 |     int64       |  length-11 bytes |
 *   +--------+---------+--------+-----------------+------------------+
 * </pre>
 *
 * <p>All integers are big-endian. {@code length} counts the bytes after itself, so it is at
 * least {@value #HEADER_AFTER_LENGTH}. A reader refuses a length above its configured maximum
 * before allocating anything. {@code version} is {@value #VERSION}. {@code type} is an
 * {@link Op} value. A reply carries the {@code requestId} of its request; pushed events
 * carry the id of the request that subscribed to them.
 *
 * @param type      operation code (see {@link Op})
 * @param requestId correlation id chosen by the requester
 * @param body      the operation's payload, encoded with {@link BodyWriter}
 */
public record Frame(int type, long requestId, byte[] body) {
    /** The wire version this build speaks. */
    public static final int VERSION = 1;
    /** Bytes of header that follow the length field. */
    public static final int HEADER_AFTER_LENGTH = 11;
    /** Default ceiling for one frame: bundles are the largest thing we send. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024;

    /** A successful reply to {@code request} with the given body. */
    public static Frame ok(long requestId, byte[] body) {
        return new Frame(Op.OK, requestId, body);
    }

    /** An error reply: the code and a one-line message. */
    public static Frame error(long requestId, ErrorCode code, String message) {
        BodyWriter w = new BodyWriter(32 + message.length());
        w.u16(code.value()).string(message);
        return new Frame(Op.ERROR, requestId, w.toBytes());
    }

    /** An error reply for a caught exception. */
    public static Frame error(long requestId, CaravanException e) {
        return error(requestId, e.code(), String.valueOf(e.getMessage()));
    }

    /** A reader over this frame's body. */
    public BodyReader reader() {
        return new BodyReader(body);
    }

    /**
     * Returns this frame's body reader if it is an {@link Op#OK}, throws the carried
     * {@link CaravanException} if it is an {@link Op#ERROR}.
     */
    public BodyReader expectOk() {
        if (type == Op.ERROR) {
            BodyReader r = reader();
            ErrorCode code = ErrorCode.of(r.u16());
            throw new CaravanException(code, r.string());
        }
        if (type != Op.OK) {
            throw ErrorCode.MALFORMED.exception("expected a reply, got frame type " + type);
        }
        return reader();
    }
}
