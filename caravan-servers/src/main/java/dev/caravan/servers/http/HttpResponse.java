package dev.caravan.servers.http;

import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 response.
 *
 * @param status      status code
 * @param reason      reason phrase
 * @param contentType media type of the body
 * @param body        body bytes (not copied)
 */
public record HttpResponse(int status, String reason, String contentType, byte[] body) {
    public static HttpResponse text(int status, String reason, String text) {
        return new HttpResponse(status, reason, "text/plain", text.getBytes(StandardCharsets.UTF_8));
    }
}
