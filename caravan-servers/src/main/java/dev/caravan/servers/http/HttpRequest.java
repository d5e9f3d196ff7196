package dev.caravan.servers.http;

/**
 * One decoded HTTP/1.x request.
 *
 * @param method    request method as sent ("GET")
 * @param target    request target ("/plaintext")
 * @param keepAlive whether the connection stays open after the reply (HTTP/1.1 default,
 *                  {@code Connection: close} or HTTP/1.0 without keep-alive turn it off)
 * @param headers   the header lines in the order sent, each {@code Name: value\r\n} (name and value
 *                  trimmed, ISO-8859-1 bytes as received; empty when none): see {@link HttpHeaders};
 *                  not copied, do not modify
 * @param body      the body ({@code Content-Length} bytes; empty when none)
 */
public record HttpRequest(String method, String target, boolean keepAlive, byte[] headers, byte[] body) {
    private static final byte[] NO_HEADERS = new byte[0];

    /** A request without header lines. */
    public HttpRequest(String method, String target, boolean keepAlive, byte[] body) {
        this(method, target, keepAlive, NO_HEADERS, body);
    }

    /** The value of the first header named {@code name} (case-insensitive), or null. */
    public String header(String name) {
        return HttpHeaders.find(headers, name);
    }
}
