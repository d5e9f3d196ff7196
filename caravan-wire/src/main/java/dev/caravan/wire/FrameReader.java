package dev.caravan.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@link Frame}s from a byte stream. Checks the length against a ceiling before it
 * allocates, and the version before it trusts the rest. Not thread-safe: one reader per
 * connection, used by the connection's reading thread only.
 */
public final class FrameReader {
    private final InputStream in;
    private final int maxFrameBytes;
    private final java.util.function.IntToLongFunction maxBodyBytesByType;
    private final byte[] header = new byte[4 + Frame.HEADER_AFTER_LENGTH];

    public FrameReader(InputStream in, int maxFrameBytes) {
        this(in, maxFrameBytes, type -> Long.MAX_VALUE);
    }

    /**
     * @param maxBodyBytesByType the largest body taken for a frame type (a node's bundle-size limit for
     *                           NODE_PUT_BUNDLE): a larger body is skipped unread, never allocated, and the
     *                           frame refused with {@link FrameRefusedException} ({@link ErrorCode#TOO_LARGE})
     */
    public FrameReader(InputStream in, int maxFrameBytes, java.util.function.IntToLongFunction maxBodyBytesByType) {
        this.in = in;
        this.maxFrameBytes = maxFrameBytes;
        this.maxBodyBytesByType = maxBodyBytesByType;
    }

    /**
     * The next frame, or {@code null} at a clean end of stream (between frames).
     *
     * @throws CaravanException {@link ErrorCode#TOO_LARGE} or {@link ErrorCode#MALFORMED} or
     *                          {@link ErrorCode#UNSUPPORTED_VERSION}; the stream is then out of
     *                          step and the connection should be closed after replying
     * @throws EOFException     when the stream ends inside a frame
     */
    public Frame read() throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        header[0] = (byte) first;
        readFully(header, 1, header.length - 1);
        BodyReader h = new BodyReader(header);
        int length = h.i32();
        if (length < Frame.HEADER_AFTER_LENGTH) {
            throw ErrorCode.MALFORMED.exception("frame length " + length + " is shorter than its header");
        }
        if (length > maxFrameBytes) {
            throw ErrorCode.TOO_LARGE.exception("frame of " + length + " bytes exceeds the limit of "
                    + maxFrameBytes);
        }
        int version = h.u8();
        if (version != Frame.VERSION) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception("wire version " + version + ", this side speaks "
                    + Frame.VERSION);
        }
        int type = h.u16();
        long requestId = h.i64();
        int bodyBytes = length - Frame.HEADER_AFTER_LENGTH;
        long maxBody = maxBodyBytesByType.applyAsLong(type);
        if (bodyBytes > maxBody) {
            in.skipNBytes(bodyBytes);
            throw new FrameRefusedException(requestId, ErrorCode.TOO_LARGE, Op.name(type) + " body of " + bodyBytes
                    + " bytes exceeds this receiver's limit of " + maxBody + " bytes; it was not read");
        }
        byte[] body = new byte[length - Frame.HEADER_AFTER_LENGTH];
        readFully(body, 0, body.length);
        return new Frame(type, requestId, body);
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) {
                throw new EOFException("stream ended inside a frame");
            }
            off += n;
            len -= n;
        }
    }
}
