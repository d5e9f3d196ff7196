package dev.caravan.wire.resp;

import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@link Reply}s as RESP (RESP2 kinds and RESP3 kinds, each literally) into its own buffer, which goes to the stream on
 * {@link #flush()} (or when full); bulk values larger than {@value #WRITE_THROUGH_BYTES} bytes
 * are written straight through without copying.
 *
 * <pre>
 * Simple  +OK\r\n          Error  -ERR msg\r\n       Int  :42\r\n
 * Bulk    $3\r\nabc\r\n    Nil    $-1\r\n           Array *2\r\n…   NilArray *-1\r\n
 * OffHeapBulk  as Bulk (its bytes go by reference to an {@link OffHeapSink}, else in pieces)
 * RESP3:  Map %1\r\n…  Set ~2\r\n…  Double ,1.5\r\n  Bool #t\r\n  BigNumber (123\r\n
 *         Verbatim =7\r\ntxt:abc\r\n  Null _\r\n
 * Suppressed: nothing.  Closing: its inner reply.  Blocked: never written.
 * </pre>
 *
 * <p>Threading: not thread-safe; one writer per connection, used by one thread at a time.
 * Call {@link #flush()} after the last reply of a pipelined batch.
 */
public final class RespWriter {
    static final int WRITE_THROUGH_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] OK = "+OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NIL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NULL = "_\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRUE = "#t\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FALSE = "#f\r\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final byte[] buf = new byte[32 * 1024];
    private int pos;

    public RespWriter(OutputStream out) {
        this.out = out;
    }

    /** The RESP bytes of one reply. */
    public static byte[] encode(Reply reply) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RespWriter w = new RespWriter(bytes);
        try {
            w.write(reply);
            w.flush();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    /** Appends one reply; may write to the stream when the buffer fills. */
    public void write(Reply reply) throws IOException {
        switch (reply) {
            case Reply.Simple s -> {
                if (s == Reply.OK) {
                    raw(OK, 0, OK.length);
                } else {
                    line('+', s.text());
                }
            }
            case Reply.Error e -> line('-', e.text());
            case Reply.Int i -> header(':', i.value());
            case Reply.Bulk b -> bulk(b.value());
            case Reply.OffHeapBulk b -> bulk(b.value());
            case Reply.Array a -> {
                header('*', a.items().size());
                for (Reply item : a.items()) {
                    write(item);
                }
            }
            case Reply.Nil n -> raw(NIL, 0, NIL.length);
            case Reply.NilArray n -> raw(NIL_ARRAY, 0, NIL_ARRAY.length);
            case Reply.Map m -> aggregate('%', m.keysAndValues().size() / 2, m.keysAndValues());
            case Reply.Set st -> aggregate('~', st.items().size(), st.items());
            case Reply.Double d -> line(',', d.text());
            case Reply.Bool b -> raw(b.value() ? TRUE : FALSE, 0, 4);
            case Reply.BigNumber n -> line('(', n.digits());
            case Reply.Verbatim v -> {
                header('=', v.text().length + 4);
                byte[] format = (v.format() + ":").getBytes(StandardCharsets.US_ASCII);
                raw(format, 0, format.length);
                raw(v.text(), 0, v.text().length);
                raw(CRLF, 0, 2);
            }
            case Reply.Null n -> raw(NULL, 0, NULL.length);
            case Reply.Suppressed n -> {
                // CLIENT REPLY OFF / SKIP: nothing goes to the client.
            }
            case Reply.Closing c -> write(c.reply());
            case Reply.Blocked b -> throw new IllegalStateException("a blocked command's reply is not written; the runtime parks it");
        }
    }

    private void aggregate(char type, int count, java.util.List<Reply> items) throws IOException {
        header(type, count);
        for (Reply item : items) {
            write(item);
        }
    }

    /**
     * Appends an off-heap bulk string without copying it onto the heap: handed by reference to
     * an {@link OffHeapSink} stream (which takes its own reference), else copied to the stream
     * in pieces. The caller keeps its own reference.
     */
    void bulk(OffHeapBytes value) throws IOException {
        header('$', value.length());
        drain();
        if (out instanceof OffHeapSink sink) {
            sink.writeOffHeap(value);
        } else {
            value.writeTo(out);
        }
        raw(CRLF, 0, 2);
    }

    /** Appends a bulk string. */
    void bulk(byte[] value) throws IOException {
        header('$', value.length);
        raw(value, 0, value.length);
        raw(CRLF, 0, 2);
    }

    /** Writes what is buffered and flushes the stream. */
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (pos > 0) {
            out.write(buf, 0, pos);
            pos = 0;
        }
    }

    private void line(char type, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ensure(1);
        buf[pos++] = (byte) type;
        raw(b, 0, b.length);
        raw(CRLF, 0, 2);
    }

    /** {@code type}, the decimal value, CRLF, without allocating. */
    void header(char type, long value) throws IOException {
        ensure(24);
        buf[pos++] = (byte) type;
        if (value >= 0 && value < 10) {
            buf[pos++] = (byte) ('0' + value);
        } else if (value == Long.MIN_VALUE) {
            byte[] b = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, buf, pos, b.length);
            pos += b.length;
        } else {
            if (value < 0) {
                buf[pos++] = '-';
                value = -value;
            }
            int digits = 1;
            for (long v = value / 10; v != 0; v /= 10) {
                digits++;
            }
            for (int i = pos + digits - 1; i >= pos; i--) {
                buf[i] = (byte) ('0' + value % 10);
                value /= 10;
            }
            pos += digits;
        }
        buf[pos++] = '\r';
        buf[pos++] = '\n';
    }

    void raw(byte[] b, int off, int len) throws IOException {
        if (len > WRITE_THROUGH_BYTES) {
            drain();
            out.write(b, off, len);
            return;
        }
        ensure(len);
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    private void ensure(int n) throws IOException {
        if (buf.length - pos < n) {
            drain();
        }
    }
}
