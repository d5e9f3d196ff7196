package dev.caravan.servers.http;

import dev.caravan.servers.protocol.OutBuffer;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;

/**
 * Writes a process's reply to an HTTP request (see {@link HttpExchange}) as an HTTP/1.1 response,
 * and the endpoint's own answers:
 *
 * <pre>
 * Reply                                   response
 * ──────────────────────────────────────  ─────────────────────────────────────────────────────────
 * Array [Int status, Bulk hdrs, Bulk body] status, the process's header lines, body
 * Bulk body                               200, Content-Type: text/plain
 * Error "MOVED &lt;epoch&gt; &lt;host:port&gt;"         421 Misdirected Request, Caravan-Moved: &lt;epoch&gt; &lt;host:port&gt;,
 *                                         Connection: close (not executed here: resend it there)
 * Error "TRYAGAIN …"                      503 Service Unavailable, Retry-After: 1 (not executed)
 * Error "…"                               500 Internal Server Error, the message as the body
 * Closing(r)                              r, then the connection closes (Closing(Suppressed): closes, writes nothing)
 * Suppressed                              nothing; the connection closes (an HTTP request cannot go unanswered)
 * anything else, or a malformed array     500, saying what the process answered
 * </pre>
 *
 * Every response has {@code Server}, {@code Content-Length} (except 204 and 304) and, when the
 * connection closes after it, {@code Connection: close}. Header lines of the process naming
 * {@code Content-Length}, {@code Transfer-Encoding} or {@code Connection} are dropped: the
 * endpoint frames the response. A header block that is not lines of {@code Name: value\r\n}
 * (a token name, no CR or LF in a value) is answered 500, so a process cannot split a response.
 * Stateless; thread-safe.
 */
public final class HttpReplyEncoder {
    private static final String MOVED = "MOVED ";
    private static final String TRYAGAIN = "TRYAGAIN ";

    private HttpReplyEncoder() {
    }

    /**
     * Writes the response to one request and releases {@code reply}.
     *
     * @param keepAlive whether the request asked to keep the connection open
     * @return whether the connection must close after this response
     */
    public static boolean encode(Reply reply, boolean keepAlive, OutBuffer out) {
        try {
            return write(reply, keepAlive, out);
        } finally {
            Reply.release(reply);
        }
    }

    private static boolean write(Reply reply, boolean keepAlive, OutBuffer out) {
        return switch (reply) {
            case Reply.Closing c -> c.reply() instanceof Reply.Suppressed || write(c.reply(), false, out);
            case Reply.Suppressed s -> true;
            case Reply.Bulk b -> response(200, "Content-Type: text/plain\r\n", b.value(), null, keepAlive, out);
            case Reply.OffHeapBulk b -> response(200, "Content-Type: text/plain\r\n", null, b.value(), keepAlive, out);
            case Reply.Error e -> error(e.text(), keepAlive, out);
            case Reply.Array a -> array(a, keepAlive, out);
            default -> failure("the process answered an HTTP request with " + reply.getClass().getSimpleName()
                    + "; expected [status, headers, body] or a bulk body", keepAlive, out);
        };
    }

    private static boolean error(String text, boolean keepAlive, OutBuffer out) {
        if (text.startsWith(MOVED)) {
            String to = text.substring(MOVED.length());
            return response(421, "Caravan-Moved: " + to + "\r\nContent-Type: text/plain\r\n",
                    ("the process moved (epoch and data endpoint: " + to + "); send the request there\n")
                            .getBytes(StandardCharsets.UTF_8), null, false, out);
        }
        if (text.startsWith(TRYAGAIN)) {
            return response(503, "Retry-After: 1\r\nContent-Type: text/plain\r\n",
                    (text.substring(TRYAGAIN.length()) + "\n").getBytes(StandardCharsets.UTF_8), null, keepAlive, out);
        }
        return failure(text, keepAlive, out);
    }

    private static boolean failure(String message, boolean keepAlive, OutBuffer out) {
        return response(500, "Content-Type: text/plain\r\n", (message + "\n").getBytes(StandardCharsets.UTF_8), null,
                keepAlive, out);
    }

    private static boolean array(Reply.Array a, boolean keepAlive, OutBuffer out) {
        if (a.items().size() != 3 || !(a.items().get(0) instanceof Reply.Int status)
                || !(a.items().get(1) instanceof Reply.Bulk headers)
                || !(a.items().get(2) instanceof Reply.Bulk || a.items().get(2) instanceof Reply.OffHeapBulk)) {
            return failure("the process answered an HTTP request with a malformed array; expected [status, headers, body]",
                    keepAlive, out);
        }
        if (status.value() < 200 || status.value() > 599) {
            return failure("the process answered an HTTP request with status " + status.value()
                    + "; expected 200..599", keepAlive, out);
        }
        String block = framedHeaders(headers.value());
        if (block == null) {
            return failure("the process answered an HTTP request with a malformed header block;"
                    + " expected lines of 'Name: value\\r\\n'", keepAlive, out);
        }
        return a.items().get(2) instanceof Reply.Bulk body
                ? response((int) status.value(), block, body.value(), null, keepAlive, out)
                : response((int) status.value(), block, null, ((Reply.OffHeapBulk) a.items().get(2)).value(), keepAlive, out);
    }

    /** The block without the lines the endpoint writes itself; null when malformed. */
    static String framedHeaders(byte[] block) {
        StringBuilder kept = new StringBuilder(block.length);
        int line = 0;
        while (line < block.length) {
            int end = HttpHeaders.lineEnd(block, line);
            if (end == block.length) {
                return null; // the last line lacks its CRLF
            }
            int colon = HttpHeaders.indexOf(block, line, end, (byte) ':');
            if (colon <= line) {
                return null;
            }
            for (int i = line; i < colon; i++) {
                if (!isTokenChar(block[i] & 0xFF)) {
                    return null;
                }
            }
            for (int i = colon + 1; i < end; i++) {
                int c = block[i] & 0xFF;
                if (c == '\r' || c == '\n' || c == 0) {
                    return null;
                }
            }
            String name = new String(block, line, colon - line, StandardCharsets.ISO_8859_1);
            if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")
                    && !name.equalsIgnoreCase("connection")) {
                kept.append(new String(block, line, end + 2 - line, StandardCharsets.ISO_8859_1));
            }
            line = end + 2;
        }
        return kept.toString();
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTokenChar(int c) {
        return c > ' ' && c < 127 && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    /** One response; the body is {@code heapBody} or else {@code offHeapBody}. Returns whether the connection closes. */
    private static boolean response(int status, String headers, byte[] heapBody, OffHeapBytes offHeapBody, boolean keepAlive,
                                    OutBuffer out) {
        boolean bodyless = status == 204 || status == 304;
        out.ascii("HTTP/1.1 ");
        out.decimal(status);
        out.write((byte) ' ');
        out.ascii(reason(status));
        out.ascii("\r\nServer: caravan\r\n");
        out.ascii(headers);
        if (!bodyless) {
            out.ascii("Content-Length: ");
            out.decimal(heapBody != null ? heapBody.length : offHeapBody.length());
            out.ascii("\r\n");
        }
        if (!keepAlive) {
            out.ascii("Connection: close\r\n");
        }
        out.ascii("\r\n");
        if (!bodyless) {
            if (heapBody != null) {
                out.write(heapBody);
            } else {
                out.write(offHeapBody);
            }
        }
        return !keepAlive;
    }

    /** The reason phrase of {@code status} (RFC 9110 §15); a generic one for codes it does not name. */
    static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 421 -> "Misdirected Request";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status < 300 ? "OK" : status < 400 ? "Redirection" : status < 500 ? "Client Error" : "Server Error";
        };
    }
}
