package dev.caravan.wire.resp;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

/**
 * The checks one incoming multibulk command passes as its header lines arrive, before the
 * decoder allocates anything for what they announce: shared by the stream decoder
 * ({@link RespReader}) and the incremental one of the server toolkit, so both word and order
 * their refusals alike. In redis-server 7.0.15's order ({@code processMultibulkBuffer}):
 *
 * <pre>
 *  *n   n not a number, or n &gt; maxArrayElements      → "Protocol error: invalid multibulk length"
 *       n &gt; 10 while authentication is required        → "Protocol error: unauthenticated multibulk length"
 *  $len len &lt; 0 or not a number, or len &gt; maxBulkBytes → "Protocol error: invalid bulk length"
 *       len &gt; 16384 while authentication is required   → "Protocol error: unauthenticated bulk length"
 *       all arguments' bytes &gt; maxQueryBytes            → {@link #QUERY_BUFFER_LIMIT}: close, no reply
 *       heap bytes &gt; maxQueryHeapBytes                  → "Protocol error: ... client-query-heap-limit ..."
 * </pre>
 *
 * Redis answers the first four with the error and closes the connection; a client over its
 * query buffer limit is closed without a reply (the server logs {@link #QUERY_BUFFER_LIMIT}).
 * Not thread-safe: one per connection, used by its reading thread.
 */
public final class CommandBudget {
    /**
     * The message of the TOO_LARGE error for a command over {@link RespLimits#maxQueryBytes}, in
     * Redis's words (it logs them); an endpoint closes such a connection without writing anything.
     */
    public static final String QUERY_BUFFER_LIMIT = "Closing client that reached max query buffer length";
    /** Longest multibulk an unauthenticated client may send when a password is set (redis-server 7.0). */
    public static final int UNAUTHENTICATED_MAX_ELEMENTS = 10;
    /** Longest bulk an unauthenticated client may send when a password is set (redis-server 7.0). */
    public static final int UNAUTHENTICATED_MAX_BULK_BYTES = 16384;

    private final RespLimits limits;
    private boolean authRequired;
    private long queryBytes;
    private long heapBytes;

    public CommandBudget(RespLimits limits) {
        this.limits = limits;
    }

    public RespLimits limits() {
        return limits;
    }

    /**
     * Whether the client must still authenticate (a password is set and it has not given it):
     * Redis then refuses long commands before reading them. Set by the endpoint as the client's
     * state changes; takes effect from the next header line.
     */
    public void authRequired(boolean required) {
        this.authRequired = required;
    }

    public boolean authRequired() {
        return authRequired;
    }

    /** Whether {@code error} is the query-buffer refusal, after which nothing is written. */
    public static boolean isQueryBufferLimit(CaravanException error) {
        return error.code() == ErrorCode.TOO_LARGE && error.getMessage().startsWith(QUERY_BUFFER_LIMIT);
    }

    /**
     * A {@code *n} header with a number ({@link Long#MIN_VALUE} when it was not one). Starts a
     * new command's accounting.
     */
    public void onMultibulk(long n) {
        if (n == Long.MIN_VALUE || n > limits.maxArrayElements()) {
            throw n == Long.MIN_VALUE ? ErrorCode.MALFORMED.exception("Protocol error: invalid multibulk length")
                    : ErrorCode.TOO_LARGE.exception("Protocol error: invalid multibulk length");
        }
        if (n > UNAUTHENTICATED_MAX_ELEMENTS && authRequired) {
            throw ErrorCode.TOO_LARGE.exception("Protocol error: unauthenticated multibulk length");
        }
        queryBytes = 0;
        heapBytes = 0;
    }

    /**
     * A {@code $len} header within a command ({@link Long#MIN_VALUE} when it was not a number).
     *
     * @return whether the bulk goes off the heap
     */
    public boolean onBulk(long len) {
        if (len == Long.MIN_VALUE || len < 0) {
            throw ErrorCode.MALFORMED.exception("Protocol error: invalid bulk length");
        }
        if (len > limits.maxBulkBytes()) {
            throw ErrorCode.TOO_LARGE.exception("Protocol error: invalid bulk length");
        }
        if (len > UNAUTHENTICATED_MAX_BULK_BYTES && authRequired) {
            throw ErrorCode.TOO_LARGE.exception("Protocol error: unauthenticated bulk length");
        }
        queryBytes += len;
        if (queryBytes > limits.maxQueryBytes()) {
            throw ErrorCode.TOO_LARGE.exception(QUERY_BUFFER_LIMIT + " (" + queryBytes + " bytes of arguments in one command"
                    + ", client-query-buffer-limit " + limits.maxQueryBytes() + ")");
        }
        boolean offHeap = len > limits.offHeapBulkBytes();
        heapBytes += offHeap ? RespLimits.HEAP_BYTES_PER_OFF_HEAP_ARGUMENT : len + RespLimits.HEAP_BYTES_PER_ARGUMENT;
        if (heapBytes > limits.maxQueryHeapBytes()) {
            throw ErrorCode.TOO_LARGE.exception("Protocol error: the arguments of one command take more than this endpoint's "
                    + limits.maxQueryHeapBytes() + " heap bytes (client-query-heap-limit); send fewer arguments per command");
        }
        return offHeap;
    }
}
