package dev.caravan.servers.protocol;

import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.resp.OffHeapSink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A growable byte buffer that a {@link Codec} encodes replies into and the model drains to the
 * socket. Besides heap bytes it queues off-heap values by reference ({@link #write(OffHeapBytes)}):
 * a big reply goes from its off-heap memory to the socket a chunk at a time, never through the
 * heap.
 *
 * <pre>
 *  buf:   [ drained | heap bytes ▲ heap bytes ▲ heap bytes ]      parts: ▲ = an off-heap value
 *                   readPos    part.at      part.at   writePos          queued at that point
 * </pre>
 *
 * <p>The buffer holds a reference to every queued value until it has been written, or until
 * {@link #clear()}: the model clears it when the connection ends, so nothing is left behind.
 * Not thread-safe: owned by one connection, used by one thread at a time.
 */
public final class OutBuffer {
    private byte[] buf;
    /** A reusable view of {@code buf} for draining: no wrapper allocated per write. */
    private ByteBuffer view;
    private int readPos;
    private int writePos;
    /** Off-heap values queued, in order, each after the heap bytes before its {@code at}. */
    private final ArrayDeque<Part> parts = new ArrayDeque<>();
    private final OutputStream stream = new Stream();

    /** An off-heap value queued at heap position {@code at}; {@code sent} bytes of it are written. */
    private static final class Part {
        int at;
        final OffHeapBytes bytes;
        long sent;

        Part(int at, OffHeapBytes bytes) {
            this.at = at;
            this.bytes = bytes;
        }
    }

    /** The stream view: appends heap bytes, and takes off-heap values by reference. */
    private final class Stream extends OutputStream implements OffHeapSink {
        @Override
        public void write(int b) {
            OutBuffer.this.write((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            OutBuffer.this.write(b, off, len);
        }

        @Override
        public void writeOffHeap(OffHeapBytes value) {
            OutBuffer.this.write(value);
        }
    }

    public OutBuffer(int initialBytes) {
        buf = new byte[Math.max(64, initialBytes)];
    }

    /**
     * An {@link OutputStream} view that appends to this buffer (never throws); it is an
     * {@link OffHeapSink}, so a {@link dev.caravan.wire.resp.RespWriter} over it queues
     * off-heap replies by reference.
     */
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

    /**
     * Queues {@code value}'s bytes after what was written so far, by reference: takes its own
     * reference, released once the bytes are drained or on {@link #clear()}.
     */
    public void write(OffHeapBytes value) {
        parts.addLast(new Part(writePos, value.retain()));
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

    /** Bytes written and not yet drained, heap and off-heap. */
    public long pending() {
        long n = writePos - readPos;
        for (Part p : parts) {
            n += p.bytes.length() - p.sent;
        }
        return n;
    }

    /**
     * Writes as much as the channel takes: heap bytes and queued off-heap values in order, the
     * latter straight from their off-heap chunks.
     *
     * @return true when everything was written
     */
    public boolean drainTo(WritableByteChannel ch) throws IOException {
        while (true) {
            Part part = parts.peekFirst();
            int heapEnd = part == null ? writePos : part.at;
            while (readPos < heapEnd) {
                if (view == null || view.array() != buf) {
                    view = ByteBuffer.wrap(buf);
                }
                view.limit(heapEnd).position(readPos);
                int n = ch.write(view);
                if (n == 0) {
                    return false;
                }
                readPos += n;
            }
            if (part == null) {
                break;
            }
            while (part.sent < part.bytes.length()) {
                int c = (int) (part.sent / OffHeapBytes.CHUNK_BYTES);
                MemorySegment chunk = part.bytes.chunk(c);
                long from = part.sent - (long) c * OffHeapBytes.CHUNK_BYTES;
                int n = ch.write(chunk.asSlice(from).asByteBuffer());
                if (n == 0) {
                    return false;
                }
                part.sent += n;
            }
            parts.removeFirst();
            part.bytes.release();
        }
        readPos = 0;
        writePos = 0;
        return true;
    }

    /** Copies out the pending bytes, off-heap ones included (tests, in-memory transports). */
    public byte[] toByteArray() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = readPos;
        for (Part p : parts) {
            out.write(buf, from, p.at - from);
            byte[] rest = new byte[Math.toIntExact(p.bytes.length() - p.sent)];
            p.bytes.read(p.sent, rest, 0, rest.length);
            out.writeBytes(rest);
            from = p.at;
        }
        out.write(buf, from, writePos - from);
        return out.toByteArray();
    }

    /** Forgets everything pending, releasing the off-heap values queued. */
    public void clear() {
        readPos = 0;
        writePos = 0;
        Part p;
        while ((p = parts.pollFirst()) != null) {
            p.bytes.release();
        }
    }

    private void ensure(int n) {
        if (buf.length - writePos >= n) {
            return;
        }
        if (readPos > 0) {
            System.arraycopy(buf, readPos, buf, 0, writePos - readPos);
            writePos -= readPos;
            for (Part p : parts) {
                p.at -= readPos;
            }
            readPos = 0;
            if (buf.length - writePos >= n) {
                return;
            }
        }
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, writePos + n));
    }
}
