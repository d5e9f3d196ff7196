package dev.caravan.servers.http;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal HTTP/1.1 server codec: request line and headers up to an empty line, an optional
 * {@code Content-Length} body, keep-alive and pipelining. Chunked request bodies are refused.
 *
 * <pre>
 * GET /plaintext HTTP/1.1\r\n  Host: x\r\n  \r\n          → HttpRequest
 * HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!
 * </pre>
 *
 * The header lines come with the request, normalized ({@link HttpRequest#headers()}).
 *
 * <p>Bad input: a malformed head is answered {@code 400 Bad Request}, a head over
 * {@code maxHeadBytes} {@code 431}, a body over {@code maxBodyBytes} {@code 413}, each with
 * {@code Connection: close} and a one-line reason. Threading: one per connection.
 */
public final class HttpCodec implements Codec<HttpRequest, HttpResponse> {
    private static final byte[] EMPTY = new byte[0];
    private static final int CACHED_BODY_BYTES = 1024;
    private final int maxHeadBytes;
    private final int maxBodyBytes;
    /** Bytes of a partial head already searched for its end (they stay at the buffer's start). */
    private int scannedBytes;
    private String lastTarget;
    private HttpResponse lastResponse;
    private byte[] lastBody;
    private byte[] lastEncoded;
    private byte[] headerScratch = EMPTY;

    public HttpCodec(int maxHeadBytes, int maxBodyBytes) {
        this.maxHeadBytes = maxHeadBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public HttpRequest decode(ByteBuffer in) {
        int start = in.position();
        int lim = in.limit();
        int headEnd = -1;
        for (int i = start + Math.max(3, scannedBytes); i < lim; i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            if (in.remaining() > maxHeadBytes) {
                throw ErrorCode.TOO_LARGE.exception("request head exceeds " + maxHeadBytes + " bytes");
            }
            // The next call sees the same bytes from the same position (the model compacts
            // first), so resume the search where this one stopped instead of rescanning.
            scannedBytes = lim - start;
            return null;
        }
        scannedBytes = 0;
        if (headEnd - start > maxHeadBytes) {
            throw ErrorCode.TOO_LARGE.exception("request head exceeds " + maxHeadBytes + " bytes");
        }
        // Parsed in place, byte by byte: no head copy, no String per line (a String.split on
        // "\r\n" compiled a regex per request and dominated the profile).
        int headLimit = headEnd - 4;
        int lineEnd = lineEnd(in, start, headLimit);
        int sp1 = indexOf(in, start, lineEnd, (byte) ' ');
        int sp2 = sp1 < 0 ? -1 : indexOf(in, sp1 + 1, lineEnd, (byte) ' ');
        if (sp1 <= start || sp2 < 0 || indexOf(in, sp2 + 1, lineEnd, (byte) ' ') >= 0
                || !(in.get(sp1 + 1) == '/' || sp2 == sp1 + 2 && in.get(sp1 + 1) == '*')) {
            throw ErrorCode.MALFORMED.exception("bad request line");
        }
        boolean keepAlive;
        if (equalsAscii(in, sp2 + 1, lineEnd, "HTTP/1.1")) {
            keepAlive = true;
        } else if (equalsAscii(in, sp2 + 1, lineEnd, "HTTP/1.0")) {
            keepAlive = false;
        } else {
            throw ErrorCode.MALFORMED.exception("unsupported HTTP version");
        }
        long contentLength = 0;
        int line = lineEnd + 2;
        // Normalized lines are at most one byte longer than raw ones ("Name:value" gains a space).
        byte[] headers = scratch(2 * (headLimit - line) + 2);
        int headersLength = 0;
        while (line <= headLimit && lineEnd < headLimit) {
            lineEnd = lineEnd(in, line, headLimit);
            int colon = indexOf(in, line, lineEnd, (byte) ':');
            if (colon <= line) {
                throw ErrorCode.MALFORMED.exception("bad header line");
            }
            int nameStart = skipSpace(in, line, colon);
            int nameEnd = trimEnd(in, nameStart, colon);
            int valueStart = skipSpace(in, colon + 1, lineEnd);
            int valueEnd = trimEnd(in, valueStart, lineEnd);
            headersLength = appendLine(in, nameStart, nameEnd, valueStart, valueEnd, headers, headersLength);
            if (equalsIgnoreCase(in, nameStart, nameEnd, "content-length")) {
                contentLength = parseLength(in, valueStart, valueEnd);
            } else if (equalsIgnoreCase(in, nameStart, nameEnd, "transfer-encoding")) {
                throw ErrorCode.MALFORMED.exception("chunked request bodies are not supported");
            } else if (equalsIgnoreCase(in, nameStart, nameEnd, "connection")) {
                keepAlive = containsIgnoreCase(in, valueStart, valueEnd, "close") ? false
                        : containsIgnoreCase(in, valueStart, valueEnd, "keep-alive") || keepAlive;
            }
            line = lineEnd + 2;
        }
        if (contentLength > maxBodyBytes) {
            throw ErrorCode.TOO_LARGE.exception("request body of " + contentLength + " bytes exceeds " + maxBodyBytes);
        }
        if (lim - headEnd < contentLength) {
            return null;
        }
        byte[] body = EMPTY;
        if (contentLength > 0) {
            body = new byte[(int) contentLength];
            in.get(headEnd, body);
        }
        in.position(headEnd + (int) contentLength);
        return new HttpRequest(method(in, start, sp1), target(in, sp1 + 1, sp2), keepAlive,
                headersLength == 0 ? EMPTY : Arrays.copyOf(headers, headersLength), body);
    }

    /** A per-connection buffer of at least {@code bytes} to collect a head's header lines in. */
    private byte[] scratch(int bytes) {
        if (headerScratch.length < bytes) {
            headerScratch = new byte[Math.max(bytes, 2 * headerScratch.length)];
        }
        return headerScratch;
    }

    /** Appends {@code Name: value\r\n}; returns the new length. */
    private static int appendLine(ByteBuffer in, int nameStart, int nameEnd, int valueStart, int valueEnd, byte[] to, int at) {
        in.get(nameStart, to, at, nameEnd - nameStart);
        at += nameEnd - nameStart;
        to[at++] = ':';
        to[at++] = ' ';
        in.get(valueStart, to, at, valueEnd - valueStart);
        at += valueEnd - valueStart;
        to[at++] = '\r';
        to[at++] = '\n';
        return at;
    }

    /** End of the line starting at {@code from}: the index of its CR LF, or {@code limit}. */
    private static int lineEnd(ByteBuffer in, int from, int limit) {
        for (int i = from; i + 1 < limit; i++) {
            if (in.get(i) == '\r' && in.get(i + 1) == '\n') {
                return i;
            }
        }
        return limit;
    }

    private static int indexOf(ByteBuffer in, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (in.get(i) == b) {
                return i;
            }
        }
        return -1;
    }

    /** As {@link String#trim()}: skips bytes up to and including space. */
    private static int skipSpace(ByteBuffer in, int from, int to) {
        while (from < to && (in.get(from) & 0xFF) <= ' ') {
            from++;
        }
        return from;
    }

    private static int trimEnd(ByteBuffer in, int from, int to) {
        while (to > from && (in.get(to - 1) & 0xFF) <= ' ') {
            to--;
        }
        return to;
    }

    private static boolean equalsAscii(ByteBuffer in, int from, int to, String s) {
        if (to - from != s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (in.get(from + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Compares with a lower-case ASCII {@code s}. */
    private static boolean equalsIgnoreCase(ByteBuffer in, int from, int to, String s) {
        return to - from == s.length() && regionMatchesIgnoreCase(in, from, s);
    }

    private static boolean containsIgnoreCase(ByteBuffer in, int from, int to, String s) {
        for (int i = from; i + s.length() <= to; i++) {
            if (regionMatchesIgnoreCase(in, i, s)) {
                return true;
            }
        }
        return false;
    }

    private static boolean regionMatchesIgnoreCase(ByteBuffer in, int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            int c = in.get(from + i) & 0xFF;
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long parseLength(ByteBuffer in, int from, int to) {
        if (to == from || to - from > 18) {
            throw ErrorCode.MALFORMED.exception("bad Content-Length");
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = in.get(i) - '0';
            if (d < 0 || d > 9) {
                throw ErrorCode.MALFORMED.exception("bad Content-Length");
            }
            v = v * 10 + d;
        }
        return v;
    }

    private static String method(ByteBuffer in, int from, int to) {
        return equalsAscii(in, from, to, "GET") ? "GET" : ascii(in, from, to);
    }

    /** The request target, reusing the previous one's String when the bytes are the same (keep-alive clients repeat it). */
    private String target(ByteBuffer in, int from, int to) {
        String last = lastTarget;
        if (last != null && equalsAscii(in, from, to, last)) {
            return last;
        }
        lastTarget = ascii(in, from, to);
        return lastTarget;
    }

    private static String ascii(ByteBuffer in, int from, int to) {
        byte[] b = new byte[to - from];
        in.get(from, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void encode(HttpResponse r, OutBuffer out) {
        // Handlers usually answer with a few shared response objects (HttpProtocol.plaintext
        // always the same one): keep the last small one's bytes. The body array is not copied
        // by HttpResponse and could change in place, so its contents are compared too.
        if (r.body().length > CACHED_BODY_BYTES) {
            encodeFresh(r, out);
            return;
        }
        if (r != lastResponse || !Arrays.equals(r.body(), lastBody)) {
            OutBuffer once = new OutBuffer(64 + r.body().length);
            encodeFresh(r, once);
            lastEncoded = once.toByteArray();
            lastResponse = r;
            lastBody = r.body().clone();
        }
        out.write(lastEncoded);
    }

    private static void encodeFresh(HttpResponse r, OutBuffer out) {
        out.ascii("HTTP/1.1 ");
        out.decimal(r.status());
        out.write((byte) ' ');
        out.ascii(r.reason());
        out.ascii("\r\nServer: caravan\r\nContent-Type: ");
        out.ascii(r.contentType());
        out.ascii("\r\nContent-Length: ");
        out.decimal(r.body().length);
        out.ascii("\r\n\r\n");
        out.write(r.body());
    }

    @Override
    public void encodeError(CaravanException error, OutBuffer out) {
        boolean tooLarge = error.code() == ErrorCode.TOO_LARGE;
        boolean head = tooLarge && String.valueOf(error.getMessage()).startsWith("request head");
        int status = tooLarge ? (head ? 431 : 413) : 400;
        String reason = tooLarge ? (head ? "Request Header Fields Too Large" : "Content Too Large") : "Bad Request";
        byte[] body = (error.code() + ": " + error.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        out.ascii("HTTP/1.1 " + status + " " + reason + "\r\nServer: caravan\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ");
        out.decimal(body.length);
        out.ascii("\r\n\r\n");
        out.write(body);
    }

    @Override
    public boolean closeAfter(HttpRequest request, HttpResponse reply) {
        return !request.keepAlive();
    }

    @Override
    public int maxBufferedBytes() {
        return maxHeadBytes + maxBodyBytes + 4;
    }
}
