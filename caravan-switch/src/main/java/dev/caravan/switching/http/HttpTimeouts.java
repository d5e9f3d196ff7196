package dev.caravan.switching.http;

import dev.caravan.wire.ErrorCode;

/**
 * The timers of a content-aware HTTP front end, in milliseconds, as HAProxy's {@code timeout
 * server}, {@code timeout http-keep-alive} and {@code timeout http-request}. Every timer runs on
 * the client connection's event loop (Netty scheduling, no extra thread) and is cancelled when
 * what it bounds ends.
 *
 * @param backendResponseMs from the last byte of a request handed to its backend connection
 *        until the response head; over it the client gets {@code 504} (in request order), the
 *        backend connection is closed (never pooled again), the dispatch counts as a failure, and
 *        the request is not sent again, whatever its method: the backend may have carried it out
 * @param clientIdleMs a keep-alive client connection with no request in flight and no byte of a
 *        next request is closed (without a response) after this long
 * @param requestHeadMs a request head must be complete within this long of its first byte (of
 *        the accept, for a connection's first request); over it → {@code 408} after the responses
 *        to earlier pipelined requests, and close. A connection that sent nothing at all is closed
 *        without a response, as HAProxy's {@code option http-ignore-probes}
 */
public record HttpTimeouts(long backendResponseMs, long clientIdleMs, long requestHeadMs) {
    /** The defaults in {@link HttpLimits}: 30 s, 60 s, 10 s. */
    public static final HttpTimeouts DEFAULTS = new HttpTimeouts(HttpLimits.BACKEND_RESPONSE_TIMEOUT_MS,
            HttpLimits.CLIENT_IDLE_TIMEOUT_MS, HttpLimits.REQUEST_HEAD_TIMEOUT_MS);

    /** @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for a timeout that is not positive */
    public HttpTimeouts {
        if (backendResponseMs <= 0 || clientIdleMs <= 0 || requestHeadMs <= 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("HTTP timeouts must be positive milliseconds, got backend response "
                    + backendResponseMs + ", client idle " + clientIdleMs + ", request head " + requestHeadMs);
        }
    }
}
