package dev.caravan.switching.handoff;

import dev.caravan.servers.handoff.HandoffCodec;
import dev.caravan.switching.FrontendProtocol;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a client's first request off its connection, and not one byte more — the distributor
 * sees only that before it hands the connection on, even when the client pipelined more behind
 * it: HTTP/1.1, the head and the body its {@code Content-Length} announces; RESP, one complete
 * command (multibulk or inline); raw TCP, the first bytes available (one read). Never more than
 * {@link HandoffCodec#MAX_PREFIX_BYTES}: a longer or malformed request is cut where it stops
 * making sense or at that limit, and the process reads the rest from the socket itself and
 * answers it as it would answer a direct client (malformed input with its own protocol error).
 *
 * <p>How it never over-reads: while looking for a terminator ({@code \r\n\r\n}, {@code \r\n})
 * it asks for at most the bytes the terminator still needs; lengths it knows (a bulk string, a
 * body) it reads exactly.
 *
 * <p>Threading: one instance per connection, on the connection's thread; blocking.
 */
final class FirstRequest {
    private final InputStream in;
    private byte[] buf = new byte[512];
    private int len;
    /** The client closed, or the limit was reached: stop, hand off what there is. */
    private boolean stopped;

    private FirstRequest(InputStream in) {
        this.in = in;
    }

    /**
     * @return the bytes read (the first request, possibly cut, see above); empty when the client
     *         closed before sending anything
     * @throws java.net.SocketTimeoutException when the client sent nothing complete within the stream's timeout
     */
    static byte[] read(InputStream in, FrontendProtocol protocol) throws IOException {
        FirstRequest r = new FirstRequest(in);
        switch (protocol) {
            case TCP -> r.readSome(4096);
            case HTTP -> r.http();
            case RESP -> r.resp();
        }
        return Arrays.copyOf(r.buf, r.len);
    }

    private void http() throws IOException {
        int head = readThrough("\r\n\r\n");
        if (head < 0) {
            return;
        }
        String headText = new String(buf, 0, head, StandardCharsets.ISO_8859_1);
        for (String line : headText.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    readExactly(Long.parseLong(line.substring(colon + 1).trim()));
                } catch (NumberFormatException e) {
                    return; // the process answers 400
                }
                return;
            }
        }
    }

    private void resp() throws IOException {
        readSome(1);
        if (len == 0) {
            return;
        }
        if (buf[0] != '*') {
            readThrough("\n"); // inline command
            return;
        }
        int lineStart = 0;
        int lineEnd = readThrough("\r\n");
        long count = lineEnd < 0 ? -1 : number(lineStart + 1, lineEnd);
        for (long i = 0; i < count && !stopped; i++) {
            lineStart = len;
            lineEnd = readThrough("\r\n");
            if (lineEnd < 0 || buf[lineStart] != '$') {
                return;
            }
            long size = number(lineStart + 1, lineEnd);
            if (size < 0) {
                return;
            }
            readExactly(size + 2);
        }
    }

    /** Reads until {@code terminator} ends the buffer; returns where it starts, -1 when stopped first. */
    private int readThrough(String terminator) throws IOException {
        byte[] t = terminator.getBytes(StandardCharsets.ISO_8859_1);
        int from = len;
        while (!stopped) {
            int found = indexOf(t, from);
            if (found >= 0) {
                return found;
            }
            readSome(t.length - overlap(t));
        }
        return -1;
    }

    /** The longest tail of the buffer (since the search began) that is a head of {@code t}. */
    private int overlap(byte[] t) {
        for (int k = Math.min(t.length - 1, len); k > 0; k--) {
            boolean match = true;
            for (int j = 0; j < k && match; j++) {
                match = buf[len - k + j] == t[j];
            }
            if (match) {
                return k;
            }
        }
        return 0;
    }

    private int indexOf(byte[] t, int from) {
        int start = Math.max(0, from - t.length + 1);
        outer:
        for (int i = start; i + t.length <= len; i++) {
            for (int j = 0; j < t.length; j++) {
                if (buf[i + j] != t[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private void readExactly(long n) throws IOException {
        long target = Math.min((long) len + n, HandoffCodec.MAX_PREFIX_BYTES);
        while (!stopped && len < target) {
            readSome((int) (target - len));
        }
    }

    /** One read of at most {@code max} bytes (fewer at the limit); sets {@link #stopped} at the end of stream or the limit. */
    private void readSome(int max) throws IOException {
        int want = Math.min(max, HandoffCodec.MAX_PREFIX_BYTES - len);
        if (want <= 0) {
            stopped = true;
            return;
        }
        if (len + want > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(HandoffCodec.MAX_PREFIX_BYTES, Math.max(len + want, buf.length * 2)));
        }
        int n = in.read(buf, len, want);
        if (n < 0) {
            stopped = true;
            return;
        }
        len += n;
    }

    /** A non-negative decimal in {@code buf[from..to)}, -1 when it is not one (or absurdly long). */
    private long number(int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return -1;
            }
            v = v * 10 + (buf[i] - '0');
        }
        return v;
    }
}
