package dev.caravan.servers.protocol;

import java.util.List;

/**
 * A request/response protocol that any {@link dev.caravan.servers.model.ServerModel} can host:
 * a per-connection {@link Codec} turns bytes into requests and replies into bytes, and
 * {@link #handle} turns a batch of requests into replies.
 *
 * <pre>
 *  socket bytes ──► Codec.decode ──► [Q, Q, …] ──► handle(batch, replies) ──► Codec.encode ──► socket
 *                   (per connection)  pipelined       (shared, may block)      (per connection)
 * </pre>
 *
 * <p>Threading: {@link #newCodec()} and {@link #handle} are called from whatever threads the
 * chosen model uses (the event loop, a worker, a virtual thread), possibly concurrently for
 * different connections, so {@code handle} must be thread-safe. Calls for one connection never
 * overlap and come in request order. {@code handle} may block; on the event-loop and hybrid
 * models a blocking handler stalls every connection of its loop (the chapter's point).
 *
 * @param <Q> request type
 * @param <R> reply type
 */
public interface Protocol<Q, R> {
    /** A short name for logs and tables ("resp", "http", "binary"). */
    String name();

    /** A fresh codec for one connection. */
    Codec<Q, R> newCodec();

    /**
     * A fresh codec for {@code connection}: what every model calls. A protocol that keeps
     * per-connection state beyond decoding (a RESP session) keeps it in the codec; the default
     * ignores the connection.
     */
    default Codec<Q, R> newCodec(Connection connection) {
        return newCodec();
    }

    /**
     * Answers a batch of requests that one client pipelined, in order: append exactly one
     * reply per request to {@code replies}.
     *
     * @throws InterruptedException when the serving thread is interrupted (server closing,
     *                              request cancelled); the connection is then closed
     */
    void handle(List<Q> batch, List<R> replies) throws InterruptedException;

    /**
     * {@link #handle(List, List)} for the connection whose codec is {@code codec} (the one
     * {@link #newCodec(Connection)} made for it): what every model calls, so that a protocol
     * can reach its per-connection state without a lookup. The default ignores the codec.
     */
    default void handle(Codec<Q, R> codec, List<Q> batch, List<R> replies) throws InterruptedException {
        handle(batch, replies);
    }
}
