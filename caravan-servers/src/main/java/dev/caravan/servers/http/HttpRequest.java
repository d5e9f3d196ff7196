package dev.caravan.servers.http;

/**
 * One decoded HTTP/1.x request.
 *
 * @param method    request method as sent ("GET")
 * @param target    request target ("/plaintext")
 * @param keepAlive whether the connection stays open after the reply (HTTP/1.1 default,
 *                  {@code Connection: close} or HTTP/1.0 without keep-alive turn it off)
 * @param body      the body ({@code Content-Length} bytes; empty when none)
 */
public record HttpRequest(String method, String target, boolean keepAlive, byte[] body) {
}
