package dev.caravan.switching.http;

/**
 * Fixed limits of the content-aware HTTP front end. Each is checked by the codec before the
 * bytes are buffered.
 *
 * <p>Bodies are aggregated (not streamed): a request must be complete before it is dispatched so
 * that it can be resent — after a backend connection failed before answering, or after a
 * {@code 421} from a process that moved — and responses are held until every earlier pipelined
 * response has been written. Streaming would save memory for large bodies but lose both.
 */
public final class HttpLimits {
    /** Longest request line (method, target, version); longer → 414 and close. */
    public static final int MAX_INITIAL_LINE_BYTES = 8 * 1024;
    /** All header lines of a request together; more → 431 and close. */
    public static final int MAX_HEADER_BYTES = 16 * 1024;
    /** Largest chunk the decoder hands on at once (not a limit on the body). */
    public static final int MAX_CHUNK_BYTES = 16 * 1024;
    /** Largest request body, chunked or not; larger → 413 and close. */
    public static final int MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;
    /** Largest backend response body; larger → 502 to the client. */
    public static final int MAX_RESPONSE_BODY_BYTES = 64 * 1024 * 1024;
    /** Idle keep-alive connections kept per backend per event loop. */
    public static final int MAX_IDLE_PER_BACKEND = 256;
    /** Times one request follows {@code 421 + Caravan-Moved} before it is answered 502. */
    public static final int MAX_MOVED_HOPS = 3;
    /** Dispatches of one request whose backend could not be reached before it was sent. */
    public static final int MAX_UNSENT_ATTEMPTS = 3;

    private HttpLimits() {
    }
}
