package dev.caravan.servers.protocol;

import dev.caravan.wire.CaravanException;

import java.nio.ByteBuffer;

/**
 * One connection's decoder and encoder. Not thread-safe: the model guarantees that one thread
 * at a time uses it, and that it is used for one connection only.
 *
 * @param <Q> request type
 * @param <R> reply type
 */
public interface Codec<Q, R> {
    /**
     * Decodes the next request from {@code in}, advancing its position past what was used.
     * A codec may consume a partial request into its own state (a large body arriving in
     * pieces) and return {@code null}; the model then compacts {@code in} and reads more.
     * Bytes it leaves unconsumed must fit in {@link #maxBufferedBytes()}.
     *
     * @return the request, or {@code null} when more bytes are needed
     * @throws CaravanException with {@link dev.caravan.wire.ErrorCode#MALFORMED} or
     *                          {@link dev.caravan.wire.ErrorCode#TOO_LARGE}; the stream is then out of
     *                          step: the model answers with {@link #encodeError} and closes
     */
    Q decode(ByteBuffer in);

    /** Appends the bytes of one reply. */
    void encode(R reply, OutBuffer out);

    /** Appends the protocol's error answer for bad input (the connection closes after it). */
    void encodeError(CaravanException error, OutBuffer out);

    /** Whether the connection should close once this request's reply is written (QUIT, Connection: close). */
    default boolean closeAfter(Q request, R reply) {
        return false;
    }

    /**
     * The connection has ended, whatever the cause (the peer closed it, bad input, a
     * {@link #closeAfter} reply, {@link Connection#close()}, the server closing): called exactly
     * once, after the last {@link Protocol#handle} for it returned, on the model's serving
     * thread for the connection (so it may block as {@code handle} may). The default does nothing.
     */
    default void onClosed() {
    }

    /** Most bytes the codec may leave unconsumed while waiting for a complete request. */
    default int maxBufferedBytes() {
        return 1 << 20;
    }
}
