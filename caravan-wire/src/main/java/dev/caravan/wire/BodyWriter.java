package dev.caravan.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Appends big-endian fields to a growable byte array: the one encoder for frame bodies,
 * process object state and checkpoint sections. Not thread-safe.
 *
 * <p>Field encodings: {@code u8}, {@code u16}, {@code i32}, {@code i64} fixed width;
 * {@code string} is an i32 byte count then UTF-8; {@code bytes} an i32 count then raw bytes;
 * {@code bool} one byte 0/1.
 */
public final class BodyWriter {
    private byte[] buf;
    private int pos;

    public BodyWriter() {
        this(64);
    }

    public BodyWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        int need = pos + extra;
        if (need < 0) {
            throw ErrorCode.TOO_LARGE.exception("message body exceeds 2 GiB");
        }
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2 < 0 ? Integer.MAX_VALUE - 8 : buf.length * 2));
        }
    }

    public BodyWriter u8(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
        return this;
    }

    public BodyWriter bool(boolean v) {
        return u8(v ? 1 : 0);
    }

    public BodyWriter u16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BodyWriter i32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    public BodyWriter i64(long v) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buf[pos++] = (byte) (v >>> shift);
        }
        return this;
    }

    public BodyWriter bytes(byte[] v) {
        return bytes(v, 0, v.length);
    }

    public BodyWriter bytes(byte[] v, int off, int len) {
        i32(len);
        ensure(len);
        System.arraycopy(v, off, buf, pos, len);
        pos += len;
        return this;
    }

    /** Appends {@code v} as it is, with no length header (a body already encoded elsewhere). */
    public BodyWriter raw(byte[] v) {
        ensure(v.length);
        System.arraycopy(v, 0, buf, pos, v.length);
        pos += v.length;
        return this;
    }

    /**
     * Writes a byte-field header for {@code len} bytes and returns the offset in {@link #buffer()}
     * where the caller must put them (filled in place, for example straight from off-heap memory).
     */
    public int reserveBytes(int len) {
        i32(len);
        ensure(len);
        int at = pos;
        pos += len;
        return at;
    }

    /** The buffer being written; valid until the next write that grows it. */
    public byte[] buffer() {
        return buf;
    }

    /** What was written, without a copy when the buffer is exactly full (sized up front). */
    public byte[] toBytesShared() {
        return pos == buf.length ? buf : toBytes();
    }

    public BodyWriter string(String v) {
        return bytes(v.getBytes(StandardCharsets.UTF_8));
    }

    /** Bytes written so far. */
    public int size() {
        return pos;
    }

    /** A copy of what was written. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, pos);
    }
}
