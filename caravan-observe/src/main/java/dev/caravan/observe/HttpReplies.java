package dev.caravan.observe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Complete responses and event streams on the JDK's HTTP server, as the admin ports
 * ({@link ObserveServer}) and the dashboard send them: never cached ({@code Cache-Control:
 * no-store}), content type never sniffed, a HEAD answered with the headers only, errors as
 * one-line JSON {@code {"error":"…"}}. Stateless; call on the exchange's own thread.
 */
public final class HttpReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpReplies() {
    }

    /** Sends {@code bytes} with {@code status} and {@code contentType}, then closes the body. */
    public static void send(HttpExchange e, int status, String contentType, byte[] bytes) throws IOException {
        e.getResponseHeaders().set("Content-Type", contentType);
        e.getResponseHeaders().set("Cache-Control", "no-store");
        e.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = "HEAD".equals(e.getRequestMethod());
        e.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = e.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Sends a complete text response (UTF-8). */
    public static void send(HttpExchange e, int status, String contentType, String body) throws IOException {
        send(e, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code body} as JSON, one line. */
    public static void sendJson(HttpExchange e, int status, Object body) throws IOException {
        send(e, status, "application/json", json(body) + "\n");
    }

    /** Sends {@code {"error": message}} with {@code status}. */
    public static void error(HttpExchange e, int status, String message) throws IOException {
        sendJson(e, status, Map.of("error", message));
    }

    /** {@code value} as compact JSON. */
    public static String json(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }

    /** Starts a server-sent-event stream (200, {@code text/event-stream}, not cached); the caller writes and closes it. */
    public static OutputStream startEventStream(HttpExchange e) throws IOException {
        e.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        e.getResponseHeaders().set("Cache-Control", "no-store");
        e.sendResponseHeaders(200, 0);
        return e.getResponseBody();
    }
}
