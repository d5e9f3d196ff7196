package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.OffHeapBytes;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The buffered byte source under {@link RespReader} and {@link RespReplyReader}: reads the
 * stream in blocks into its own array and parses lines and bulk bodies out of it. Not
 * thread-safe: one per connection, used by the connection's reading thread.
 *
 * <p>Every length is checked against {@link RespLimits} before an array is allocated, and a
 * bulk larger than {@value #EAGER_BULK_BYTES} bytes grows only as its bytes actually arrive,
 * so a peer announcing a huge value and then stalling costs no more than what it sent.
 */
class RespInput {
    /** Bulks up to this size get their array at once; larger ones grow as bytes arrive. */
    static final int EAGER_BULK_BYTES = 1 << 20;
    private static final int INITIAL_BUFFER_BYTES = 16 * 1024;

    final RespLimits limits;
    private final InputStream in;
    byte[] buf = new byte[INITIAL_BUFFER_BYTES];
    int pos;
    int lim;

    RespInput(InputStream in, RespLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    /** Whether bytes are already buffered, so that the next read may not block. */
    public boolean hasBufferedInput() {
        return pos < lim;
    }

    static CaravanException malformed(String message) {
        return ErrorCode.MALFORMED.exception(message);
    }

    /**
     * Reads more bytes from the stream, compacting or growing the buffer as needed (never past
     * {@code maxInlineBytes} plus a block). Returns false at end of stream.
     */
    final boolean fill() throws IOException {
        if (pos > 0 && (pos == lim || lim == buf.length)) {
            System.arraycopy(buf, pos, buf, 0, lim - pos);
            lim -= pos;
            pos = 0;
        }
        if (lim == buf.length) {
            int max = limits.maxInlineBytes() + INITIAL_BUFFER_BYTES;
            if (buf.length >= max) {
                throw new IllegalStateException("RESP buffer full: a caller did not check the line limit");
            }
            buf = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
        }
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
            return false;
        }
        lim += n;
        return true;
    }

    /** Fills, throwing {@link EOFException} at end of stream. */
    final void fillOrEof() throws IOException {
        if (!fill()) {
            throw new EOFException("stream ended inside a RESP message");
        }
    }

    /**
     * Finds the end of the line starting at {@code pos}: returns the index of its {@code '\n'}.
     * Reads more when needed.
     *
     * @param tooLong message for a line longer than {@code maxInlineBytes}
     * @param atStart whether end of stream here is a clean end (returns -1) rather than EOF
     */
    final int lineEnd(String tooLong, boolean atStart) throws IOException {
        int scanned = pos;
        while (true) {
            for (int i = scanned; i < lim; i++) {
                if (buf[i] == '\n') {
                    return i;
                }
            }
            scanned = lim;
            if (lim - pos > limits.maxInlineBytes()) {
                throw ErrorCode.TOO_LARGE.exception(tooLong);
            }
            int before = pos;
            boolean more = fill();
            scanned -= before - pos;
            if (!more) {
                if (atStart && pos == lim) {
                    return -1;
                }
                throw new EOFException("stream ended inside a RESP line");
            }
        }
    }

    /**
     * Parses a header line ({@code $n}, {@code *n}, {@code :n}) from {@code pos + 1} to its
     * CRLF as a decimal long, and consumes the line. Returns {@link Long#MIN_VALUE} if the text
     * is not a valid integer (the caller words the error).
     */
    final long headerNumber(String tooLong) throws IOException {
        int nl = lineEnd(tooLong, false);
        int end = nl;
        if (end <= pos || buf[end - 1] != '\r') {
            pos = nl + 1;
            return Long.MIN_VALUE;
        }
        long v = parseLong(buf, pos + 1, end - 1);
        pos = nl + 1;
        return v;
    }

    /** Redis's {@code string2ll}: optional '-', digits, no leading zeros, no overflow; else MIN_VALUE. */
    static long parseLong(byte[] b, int from, int to) {
        int len = to - from;
        if (len <= 0 || len > 20) {
            return Long.MIN_VALUE;
        }
        boolean negative = b[from] == '-';
        int i = negative ? from + 1 : from;
        if (i == to || (b[i] == '0' && (to - i > 1 || negative))) {
            return Long.MIN_VALUE;
        }
        long v = 0;
        for (; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return Long.MIN_VALUE;
            }
            if (v < (Long.MIN_VALUE + d) / 10) {
                return Long.MIN_VALUE;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return Long.MIN_VALUE;
            }
            v = -v;
        }
        return v;
    }

    /**
     * Reads a bulk body of {@code len} bytes (already checked against the limits) and its CRLF
     * into off-heap memory, through this reader's own buffer: the heap does not grow with
     * {@code len}. The value is released if the stream fails or the CRLF is missing.
     */
    final OffHeapBytes offHeapBulkBody(long len) throws IOException {
        OffHeapBytes value = OffHeapBytes.allocate(len);
        try {
            while (!value.isComplete()) {
                if (pos == lim) {
                    pos = 0;
                    lim = 0;
                    int n = in.read(buf, 0, (int) Math.min(buf.length, value.length() - value.filled()));
                    if (n < 0) {
                        throw new EOFException("stream ended inside a bulk string");
                    }
                    lim = n;
                }
                int n = (int) Math.min(lim - pos, value.length() - value.filled());
                value.append(buf, pos, n);
                pos += n;
            }
            while (lim - pos < 2) {
                fillOrEof();
            }
            if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
                throw malformed("Protocol error: bulk string not terminated by CRLF");
            }
            pos += 2;
            return value;
        } catch (IOException | RuntimeException e) {
            value.release();
            throw e;
        }
    }

    /** Reads a bulk body of {@code len} bytes (already checked against the limit) and its CRLF. */
    final byte[] bulkBody(int len) throws IOException {
        byte[] value;
        int have = Math.min(len, lim - pos);
        if (len <= EAGER_BULK_BYTES) {
            value = new byte[len];
        } else {
            value = new byte[Math.max(have, EAGER_BULK_BYTES)];
        }
        System.arraycopy(buf, pos, value, 0, have);
        pos += have;
        int off = have;
        while (off < len) {
            if (len - off >= buf.length) {
                if (value.length < len) {
                    value = Arrays.copyOf(value, (int) Math.min(len, Math.max(off + buf.length, 2L * value.length)));
                }
                int n = in.read(value, off, value.length - off);
                if (n < 0) {
                    throw new EOFException("stream ended inside a bulk string");
                }
                off += n;
            } else {
                fillOrEof();
                int n = Math.min(len - off, lim - pos);
                if (value.length < off + n) {
                    value = Arrays.copyOf(value, len);
                }
                System.arraycopy(buf, pos, value, off, n);
                pos += n;
                off += n;
            }
        }
        while (lim - pos < 2) {
            fillOrEof();
        }
        if (buf[pos] != '\r' || buf[pos + 1] != '\n') {
            throw malformed("Protocol error: bulk string not terminated by CRLF");
        }
        pos += 2;
        return value;
    }
}
