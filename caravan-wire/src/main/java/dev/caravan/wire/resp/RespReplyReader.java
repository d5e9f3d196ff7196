package dev.caravan.wire.resp;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP2 and RESP3 server replies (the client side of {@link RespWriter}; pushes are
 * read as arrays, attributes skipped, blob errors read as errors): for tests, client
 * code, benchmark drivers and nodes forwarding commands. Lengths are checked against
 * {@link RespLimits} before allocating; arrays nest at most {@value #MAX_DEPTH} deep. A bulk
 * string longer than {@link RespLimits#offHeapBulkBytes} is read into off-heap memory as a
 * {@link Reply.OffHeapBulk}, which the caller releases ({@link Reply#release}); the
 * one-argument constructor keeps every bulk on the heap. Not thread-safe.
 */
public final class RespReplyReader extends RespInput {
    /** Deepest nesting of arrays accepted. */
    public static final int MAX_DEPTH = 32;

    public RespReplyReader(InputStream in, RespLimits limits) {
        super(in, limits);
    }

    /** A reader with the default limits that keeps every bulk on the heap ({@link Reply.Bulk}). */
    public RespReplyReader(InputStream in) {
        this(in, RespLimits.DEFAULTS.onHeap());
    }

    /**
     * Blocks for the next reply.
     *
     * @return the reply, or {@code null} at a clean end of stream (between replies)
     * @throws dev.caravan.wire.CaravanException MALFORMED or TOO_LARGE on bad input
     * @throws EOFException when the stream ends inside a reply
     */
    public Reply read() throws IOException {
        if (pos == lim && !fill()) {
            return null;
        }
        return reply(0);
    }

    private Reply reply(int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            throw malformed("reply nested deeper than " + MAX_DEPTH);
        }
        if (pos == lim) {
            fillOrEof();
        }
        byte type = buf[pos];
        return switch (type) {
            case '+' -> new Reply.Simple(text());
            case '-' -> new Reply.Error(text());
            case ':' -> {
                long v = headerNumber("integer reply line too long");
                if (v == Long.MIN_VALUE) {
                    throw malformed("invalid integer reply");
                }
                yield new Reply.Int(v);
            }
            case '$' -> {
                long len = headerNumber("bulk length line too long");
                if (len == -1) {
                    yield Reply.NIL;
                }
                if (len < 0) {
                    throw malformed("invalid bulk length");
                }
                if (len > limits.maxBulkBytes()) {
                    throw ErrorCode.TOO_LARGE.exception("bulk of " + len + " bytes exceeds the limit");
                }
                yield len > limits.offHeapBulkBytes() ? new Reply.OffHeapBulk(offHeapBulkBody(len))
                        : new Reply.Bulk(bulkBody((int) len));
            }
            case '*' -> {
                long n = headerNumber("array length line too long");
                if (n == -1) {
                    yield Reply.NIL_ARRAY;
                }
                yield new Reply.Array(items(n, depth));
            }
            case '%' -> new Reply.Map(items(2 * checkedCount(headerNumber("map length line too long")), depth));
            case '~' -> new Reply.Set(items(headerNumber("set length line too long"), depth));
            case '>' -> new Reply.Array(items(headerNumber("push length line too long"), depth));
            case '|' -> {
                // An attribute map annotates the reply that follows; clients may ignore it (RESP3 spec).
                items(2 * checkedCount(headerNumber("attribute length line too long")), depth);
                yield reply(depth);
            }
            case ',' -> new Reply.Double(text());
            case '(' -> new Reply.BigNumber(text());
            case '#' -> {
                String t = text();
                if (!t.equals("t") && !t.equals("f")) {
                    throw malformed("invalid boolean reply '" + t + "'");
                }
                yield new Reply.Bool(t.equals("t"));
            }
            case '_' -> {
                if (!text().isEmpty()) {
                    throw malformed("invalid null reply");
                }
                yield Reply.NULL;
            }
            case '!' -> new Reply.Error(new String(blob("blob error"), StandardCharsets.UTF_8));
            case '=' -> {
                byte[] b = blob("verbatim string");
                if (b.length < 4 || b[3] != ':') {
                    throw malformed("verbatim string without its format prefix");
                }
                yield new Reply.Verbatim(new String(b, 0, 3, StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(b, 4, b.length));
            }
            default -> throw malformed("unknown reply type byte " + (type & 0xFF));
        };
    }

    private long checkedCount(long n) {
        if (n < 0 || n > limits.maxArrayElements()) {
            throw n < 0 ? malformed("invalid aggregate length") : ErrorCode.TOO_LARGE.exception("aggregate of " + n + " elements exceeds the limit");
        }
        return n;
    }

    private List<Reply> items(long n, int depth) throws IOException {
        if (n < 0) {
            throw malformed("invalid aggregate length");
        }
        if (n > limits.maxArrayElements()) {
            throw ErrorCode.TOO_LARGE.exception("aggregate of " + n + " elements exceeds the limit");
        }
        List<Reply> items = new ArrayList<>((int) Math.min(n, 1024));
        try {
            for (long i = 0; i < n; i++) {
                items.add(reply(depth + 1));
            }
        } catch (IOException | RuntimeException e) {
            items.forEach(Reply::release);
            throw e;
        }
        return List.copyOf(items);
    }

    private byte[] blob(String what) throws IOException {
        long len = headerNumber(what + " length line too long");
        if (len < 0) {
            throw malformed("invalid " + what + " length");
        }
        if (len > limits.maxBulkBytes()) {
            throw ErrorCode.TOO_LARGE.exception(what + " of " + len + " bytes exceeds the limit");
        }
        return bulkBody((int) len);
    }

    private String text() throws IOException {
        int nl = lineEnd("status line too long", false);
        if (nl <= pos || buf[nl - 1] != '\r') {
            throw malformed("status line not terminated by CRLF");
        }
        String s = new String(buf, pos + 1, nl - 1 - (pos + 1), StandardCharsets.UTF_8);
        pos = nl + 1;
        return s;
    }
}
