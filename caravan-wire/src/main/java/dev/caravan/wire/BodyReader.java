package dev.caravan.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the fields that {@link BodyWriter} wrote. Every read is bounds-checked: a truncated
 * or lying body raises {@link ErrorCode#MALFORMED} and never allocates more than the bytes
 * actually present. Not thread-safe.
 */
public final class BodyReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public BodyReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public BodyReader(byte[] buf, int off, int len) {
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    private void need(int n, String what) {
        if (n < 0 || end - pos < n) {
            throw ErrorCode.MALFORMED.exception("truncated message: " + what + " needs " + n
                    + " bytes, " + (end - pos) + " left");
        }
    }

    public int u8() {
        need(1, "u8");
        return buf[pos++] & 0xFF;
    }

    public boolean bool() {
        int v = u8();
        if (v > 1) {
            throw ErrorCode.MALFORMED.exception("boolean field holds " + v);
        }
        return v == 1;
    }

    public int u16() {
        need(2, "u16");
        int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int i32() {
        need(4, "i32");
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16)
                | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long i64() {
        need(8, "i64");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (buf[pos + i] & 0xFF);
        }
        pos += 8;
        return v;
    }

    public byte[] bytes() {
        int len = i32();
        need(len, "byte field");
        byte[] v = Arrays.copyOfRange(buf, pos, pos + len);
        pos += len;
        return v;
    }

    /**
     * Skips over a byte field and returns where its content starts in the array this reader
     * reads ({@link #array()}); {@code length} receives its length. No copy.
     */
    public int bytesInPlace(int[] length) {
        int len = i32();
        need(len, "byte field");
        int at = pos;
        pos += len;
        length[0] = len;
        return at;
    }

    /** The array this reader reads. */
    public byte[] array() {
        return buf;
    }

    public String string() {
        int len = i32();
        need(len, "string field");
        String v = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return v;
    }

    /** A count field that must lie in {@code [0, max]}; guards list allocations. */
    public int count(int max, String what) {
        int n = i32();
        if (n < 0 || n > max) {
            throw ErrorCode.MALFORMED.exception(what + " count " + n + " outside 0.." + max);
        }
        return n;
    }

    /** Bytes not yet read. */
    public int remaining() {
        return end - pos;
    }

    /** Fails unless the body was consumed exactly: trailing garbage is malformed too. */
    public void expectEnd() {
        if (pos != end) {
            throw ErrorCode.MALFORMED.exception((end - pos) + " unexpected trailing bytes");
        }
    }
}
