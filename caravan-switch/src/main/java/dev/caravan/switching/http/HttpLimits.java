package dev.caravan.switching.http;

/**
 * Fixed limits of the content-aware HTTP front end. Each is checked by the codec before the
 * bytes are buffered.
 *
 * <p>Bodies are streamed, not aggregated. A request whose body is at most
 * {@link #MAX_REPLAY_BODY_BYTES} is also held until its response arrives, so that it can be
 * resent — after a backend connection failed before answering, or after a {@code 421} from a
 * process that moved; a bigger one is answered {@code 502} in those cases. A response to a
 * pipelined request that overtook an earlier one is held (one read batch; its backend
 * connection stops reading) until every earlier response has been written.
 */
public final class HttpLimits {
    /** Longest request line (method, target, version); longer → 414 and close. */
    public static final int MAX_INITIAL_LINE_BYTES = 8 * 1024;
    /** All header lines of a request together; more → 431 and close. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Largest chunk the decoder hands on at once (not a limit on the body). */
    public static final int MAX_CHUNK_BYTES = 16 * 1024;
    /**
     * Largest request body, chunked or not; larger → 413 (after the responses to earlier pipelined
     * requests) and close. A declared {@code Content-Length} is checked before anything is sent.
     */
    public static final int MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;
    /** Largest request body held for a resend; bigger bodies stream through and are never resent. */
    public static final int MAX_REPLAY_BODY_BYTES = 64 * 1024;
    /** Idle keep-alive connections kept per backend per event loop. */
    public static final int MAX_IDLE_PER_BACKEND = 256;
    /** Times one request follows {@code 421 + Caravan-Moved} before it is answered 502. */
    public static final int MAX_MOVED_HOPS = 3;
    /** Dispatches of one request whose backend could not be reached before it was sent. */
    public static final int MAX_UNSENT_ATTEMPTS = 3;
    /**
     * After a final answer to a client whose input the switch stopped reading (400, 408, 413,
     * 414, 431), how long it keeps reading and dropping that client's bytes, output shut, before
     * it closes (so that a reset does not destroy the answer).
     */
    public static final long LINGER_MS = 2_000;
    /**
     * Default {@link HttpTimeouts#backendResponseMs}: from the last byte of a request handed to its
     * backend connection to the response head (HAProxy {@code timeout server}); over it → 504.
     */
    public static final long BACKEND_RESPONSE_TIMEOUT_MS = 30_000;
    /**
     * Default {@link HttpTimeouts#clientIdleMs}: a keep-alive connection with nothing in flight and
     * no byte of a next request is closed after it (HAProxy {@code timeout http-keep-alive}).
     */
    public static final long CLIENT_IDLE_TIMEOUT_MS = 60_000;
    /**
     * Default {@link HttpTimeouts#requestHeadMs}: a request head must be complete within it of its
     * first byte (of the accept, for a connection's first request); over it → 408 and close
     * (HAProxy {@code timeout http-request}: slowloris).
     */
    public static final long REQUEST_HEAD_TIMEOUT_MS = 10_000;

    private HttpLimits() {
    }
}
