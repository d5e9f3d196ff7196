package dev.caravan.cli.bench.switching;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads one HTTP/1.1 response (RFC 9112) off a keep-alive connection and returns its status, so
 * the next response starts where this one ended: the body is delimited by {@code Content-Length}
 * or {@code Transfer-Encoding: chunked} (trailers skipped). A response without either is refused
 * (it would end only at connection close, which a load generator cannot reuse). Header lines are
 * capped at {@value #MAX_LINE_BYTES} bytes, chunk sizes at {@value #MAX_BODY_BYTES}.
 *
 * <p>Threading: one instance per connection, used by one thread.
 */
final class HttpReplyReader {
    static final int MAX_LINE_BYTES = 8192;
    static final long MAX_BODY_BYTES = 64L << 20;

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE_BYTES];
    private boolean closeAfter;

    /** @param in a buffered stream of the connection */
    HttpReplyReader(InputStream in) {
        this.in = in;
    }

    /**
     * Reads one whole response.
     *
     * @return its status code
     * @throws IOException on end of stream, a malformed response or one over the limits
     */
    int read() throws IOException {
        String status = line();
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        int code;
        try {
            code = Integer.parseInt(status.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("bad status code: " + status);
        }
        long length = -1;
        boolean chunked = false;
        closeAfter = status.startsWith("HTTP/1.0");
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + h);
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = parseLength(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        if (code / 100 == 1 || code == 204 || code == 304) {
            return code;
        }
        if (chunked) {
            skipChunks();
        } else if (length >= 0) {
            skip(length);
        } else {
            throw new IOException("response " + code + " has neither Content-Length nor chunked encoding");
        }
        return code;
    }

    /** Whether the last response said the server closes the connection after it. */
    boolean closeAfter() {
        return closeAfter;
    }

    private void skipChunks() throws IOException {
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            long n;
            try {
                n = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("bad chunk size: " + size);
            }
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new IOException("chunk size out of range: " + n);
            }
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailer fields
                }
                return;
            }
            skip(n);
            if (!line().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private static long parseLength(String value) throws IOException {
        try {
            long n = Long.parseLong(value);
            if (n < 0 || n > MAX_BODY_BYTES) {
                throw new IOException("Content-Length out of range: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("bad Content-Length: " + value);
        }
    }

    private void skip(long n) throws IOException {
        long left = n;
        while (left > 0) {
            long s = in.skip(left);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("connection closed inside a response body");
                }
                s = 1;
            }
            left -= s;
        }
    }

    /** One line without its CRLF (a bare LF is accepted). */
    private String line() throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException(n == 0 ? "connection closed" : "connection closed inside a header line");
            }
            if (b == '\n') {
                if (n > 0 && line[n - 1] == '\r') {
                    n--;
                }
                return new String(line, 0, n, StandardCharsets.ISO_8859_1);
            }
            if (n == line.length) {
                throw new IOException("header line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line[n++] = (byte) b;
        }
    }
}
