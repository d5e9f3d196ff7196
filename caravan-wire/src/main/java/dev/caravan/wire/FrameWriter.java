package dev.caravan.wire;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Writes {@link Frame}s to a byte stream. Thread-safe: each frame is written and flushed
 * whole under a lock, so replies and pushed events from different threads never interleave.
 */
public final class FrameWriter {
    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();

    public FrameWriter(OutputStream out) {
        this.out = out;
    }

    /** Encodes one frame into bytes (header and body). */
    public static byte[] encode(Frame f) {
        BodyWriter w = new BodyWriter(4 + Frame.HEADER_AFTER_LENGTH + f.body().length);
        w.i32(Frame.HEADER_AFTER_LENGTH + f.body().length).u8(Frame.VERSION).u16(f.type()).i64(f.requestId());
        byte[] head = w.toBytes();
        byte[] all = new byte[head.length + f.body().length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(f.body(), 0, all, head.length, f.body().length);
        return all;
    }

    public void write(Frame f) throws IOException {
        byte[] head = new BodyWriter(4 + Frame.HEADER_AFTER_LENGTH).i32(Frame.HEADER_AFTER_LENGTH + f.body().length)
                .u8(Frame.VERSION).u16(f.type()).i64(f.requestId()).toBytes();
        lock.lock();
        try {
            // Header and body go out separately: a large body is not copied again to prepend 15 bytes.
            out.write(head);
            out.write(f.body());
            out.flush();
        } finally {
            lock.unlock();
        }
    }
}
