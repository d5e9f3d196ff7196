package dev.caravan.wire.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A connection's input with an optional deadline: while a frame is being read ({@link #start}
 * .. {@link #finish}), every read waits at most until the deadline (by the socket's
 * {@code SO_TIMEOUT}) and one past it fails with {@link FrameTimeoutException}; between frames
 * reads wait without limit (idle links and watches are legitimate).
 *
 * <p>Threading: used only by the connection's own reading thread. Setting {@code SO_TIMEOUT}
 * is a field write on the JDK's socket implementation, so the hot path costs two clock reads
 * per underlying read.
 */
final class FrameDeadlineInput extends InputStream {
    /** A frame whose first byte arrived did not arrive whole before its deadline. */
    static final class FrameTimeoutException extends SocketTimeoutException {
        private static final long serialVersionUID = 1L;

        FrameTimeoutException(String message) {
            super(message);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final long timeoutMs;
    /** System.nanoTime() by which the current frame must be whole; 0 between frames. */
    private long deadlineNs;
    private int soTimeoutMs;

    FrameDeadlineInput(Socket socket, InputStream in, long timeoutMs) {
        this.socket = socket;
        this.in = in;
        this.timeoutMs = timeoutMs;
    }

    /** A frame's first byte is here: the rest must arrive within the timeout. */
    void start() {
        deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        if (deadlineNs == 0) {
            deadlineNs = 1;
        }
    }

    /** The frame is whole: reads wait without limit again. */
    void finish() {
        deadlineNs = 0;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int wantMs = 0;
        if (deadlineNs != 0) {
            long leftNs = deadlineNs - System.nanoTime();
            if (leftNs <= 0) {
                throw new FrameTimeoutException("frame not complete within " + timeoutMs + " ms of its first byte");
            }
            wantMs = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (leftNs + 999_999) / 1_000_000));
        }
        if (wantMs != soTimeoutMs) {
            socket.setSoTimeout(wantMs);
            soTimeoutMs = wantMs;
        }
        try {
            return in.read(b, off, len);
        } catch (SocketTimeoutException e) {
            if (deadlineNs == 0) {
                throw e;
            }
            throw new FrameTimeoutException("frame not complete within " + timeoutMs + " ms of its first byte");
        }
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
