package dev.caravan.wire.resp;

import dev.caravan.wire.command.Command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes {@link Command}s as a client sends them: a RESP array of bulk strings
 * ({@code *2\r\n$3\r\nGET\r\n$1\r\na\r\n}). Buffered like {@link RespWriter}; call
 * {@link #flush()} after the last command of a pipeline. Not thread-safe.
 */
public final class RespCommandWriter {
    private final RespWriter w;

    public RespCommandWriter(OutputStream out) {
        this.w = new RespWriter(out);
    }

    /** The RESP bytes of one command. */
    public static byte[] encode(Command command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        RespCommandWriter w = new RespCommandWriter(bytes);
        try {
            w.write(command);
            w.flush();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory stream failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Appends one command; may write to the stream when the buffer fills. Off-heap arguments
     * are copied to the stream in pieces (never onto the heap whole); the command keeps its
     * references.
     */
    public void write(Command command) throws IOException {
        w.header('*', command.size());
        for (int i = 0; i < command.size(); i++) {
            if (command.isOffHeap(i)) {
                w.bulk(command.offHeap(i));
            } else {
                w.bulk(command.arg(i));
            }
        }
    }

    public void flush() throws IOException {
        w.flush();
    }
}
