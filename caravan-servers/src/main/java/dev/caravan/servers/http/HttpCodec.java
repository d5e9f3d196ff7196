package dev.caravan.servers.http;

import dev.caravan.servers.protocol.Codec;
import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A minimal HTTP/1.1 server codec: request line and headers up to an empty line, an optional
 * {@code Content-Length} body, keep-alive and pipelining. Chunked request bodies are refused.
 *
 * <pre>
 * GET /plaintext HTTP/1.1\r\n  Host: x\r\n  \r\n          → HttpRequest
 * HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 13\r\n\r\nHello, World!
 * </pre>
 *
 * Bad input: a malformed head is answered {@code 400 Bad Request}, a head over
 * {@code maxHeadBytes} {@code 431}, a body over {@code maxBodyBytes} {@code 413}, each with
 * {@code Connection: close} and a one-line reason. Threading: one per connection.
 */
public final class HttpCodec implements Codec<HttpRequest, HttpResponse> {
    private static final byte[] EMPTY = new byte[0];
    private final int maxHeadBytes;
    private final int maxBodyBytes;

    public HttpCodec(int maxHeadBytes, int maxBodyBytes) {
        this.maxHeadBytes = maxHeadBytes;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public HttpRequest decode(ByteBuffer in) {
        int start = in.position();
        int lim = in.limit();
        int headEnd = -1;
        for (int i = start + 3; i < lim; i++) {
            if (in.get(i) == '\n' && in.get(i - 1) == '\r' && in.get(i - 2) == '\n' && in.get(i - 3) == '\r') {
                headEnd = i + 1;
                break;
            }
        }
        if (headEnd < 0) {
            if (in.remaining() > maxHeadBytes) {
                throw ErrorCode.TOO_LARGE.exception("request head exceeds " + maxHeadBytes + " bytes");
            }
            return null;
        }
        if (headEnd - start > maxHeadBytes) {
            throw ErrorCode.TOO_LARGE.exception("request head exceeds " + maxHeadBytes + " bytes");
        }
        byte[] headBytes = new byte[headEnd - start - 4];
        in.get(start, headBytes);
        String head = new String(headBytes, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || requestLine[0].isEmpty() || !requestLine[1].startsWith("/") && !requestLine[1].equals("*")) {
            throw ErrorCode.MALFORMED.exception("bad request line");
        }
        String version = requestLine[2];
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw ErrorCode.MALFORMED.exception("unsupported HTTP version");
        }
        boolean keepAlive = version.equals("HTTP/1.1");
        long contentLength = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw ErrorCode.MALFORMED.exception("bad header line");
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = parseLength(value);
                case "transfer-encoding" -> throw ErrorCode.MALFORMED.exception("chunked request bodies are not supported");
                case "connection" -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    keepAlive = v.contains("close") ? false : v.contains("keep-alive") || keepAlive;
                }
                default -> {
                    // Other headers do not change how the request is framed.
                }
            }
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
        return new HttpRequest(requestLine[0], requestLine[1], keepAlive, body);
    }

    private static long parseLength(String v) {
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
            throw ErrorCode.MALFORMED.exception("bad Content-Length");
        }
        return Long.parseLong(v);
    }

    @Override
    public void encode(HttpResponse r, OutBuffer out) {
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
