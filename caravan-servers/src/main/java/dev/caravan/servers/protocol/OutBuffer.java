package dev.caravan.servers.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that a {@link Codec} encodes replies into and the model drains to the
 * socket. Not thread-safe: owned by one connection, used by one thread at a time.
 */
public final class OutBuffer {
    private byte[] buf;
    /** A reusable view of {@code buf} for draining: no wrapper allocated per write. */
    private ByteBuffer view;
    private int readPos;
    private int writePos;
    private final OutputStream stream = new OutputStream() {
        @Override
        public void write(int b) {
            OutBuffer.this.write((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            OutBuffer.this.write(b, off, len);
        }
    };

    public OutBuffer(int initialBytes) {
        buf = new byte[Math.max(64, initialBytes)];
    }

    /** An {@link OutputStream} view that appends to this buffer (never throws). */
    public OutputStream asStream() {
        return stream;
    }

    public void write(byte b) {
        ensure(1);
        buf[writePos++] = b;
    }

    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, writePos, len);
        writePos += len;
    }

    /** Big-endian 32-bit integer. */
    public void writeInt(int v) {
        ensure(4);
        buf[writePos++] = (byte) (v >>> 24);
        buf[writePos++] = (byte) (v >>> 16);
        buf[writePos++] = (byte) (v >>> 8);
        buf[writePos++] = (byte) v;
    }

    /** Text as US-ASCII (header lines). */
    public void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[writePos++] = (byte) s.charAt(i);
        }
    }

    /** Text as UTF-8. */
    public void utf8(String s) {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Decimal digits of a non-negative number, without allocating. */
    public void decimal(long v) {
        if (v < 10) {
            write((byte) ('0' + v));
            return;
        }
        ascii(Long.toString(v));
    }

    /** Bytes written and not yet drained. */
    public int pending() {
        return writePos - readPos;
    }

    /**
     * Writes as much as the channel takes.
     *
     * @return true when everything was written
     */
    public boolean drainTo(WritableByteChannel ch) throws IOException {
        while (readPos < writePos) {
            if (view == null || view.array() != buf) {
                view = ByteBuffer.wrap(buf);
            }
            view.limit(writePos).position(readPos);
            int n = ch.write(view);
            if (n == 0) {
                return false;
            }
            readPos += n;
        }
        readPos = 0;
        writePos = 0;
        return true;
    }

    /** Copies out the pending bytes (tests, in-memory transports). */
    public byte[] toByteArray() {
        return Arrays.copyOfRange(buf, readPos, writePos);
    }

    /** Forgets everything pending. */
    public void clear() {
        readPos = 0;
        writePos = 0;
    }

    private void ensure(int n) {
        if (buf.length - writePos >= n) {
            return;
        }
        if (readPos > 0) {
            System.arraycopy(buf, readPos, buf, 0, writePos - readPos);
            writePos -= readPos;
            readPos = 0;
            if (buf.length - writePos >= n) {
                return;
            }
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, writePos + n));
    }
}
