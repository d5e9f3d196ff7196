package dev.caravan.servers.protocol;

import java.util.List;

/**
 * A {@link Protocol} that can answer a batch later instead of blocking the serving thread for
 * it: what a model whose one thread serves every connection needs when a batch may have to
 * wait (a node's process frozen for a migration queues it; a blocking command parks it).
 * {@link dev.caravan.servers.model.ServerModel#PROCESS_THREAD} calls {@link #handle(List, Replies)}
 * and never blocks; the other models call the blocking {@link #handle(List, List)}.
 *
 * @param <Q> request type
 * @param <R> reply type
 */
public interface AsyncProtocol<Q, R> extends Protocol<Q, R> {
    /** Receives a batch's replies, one per request, in order. */
    @FunctionalInterface
    interface Replies<R> {
        void accept(List<R> replies);
    }

    /**
     * Answers {@code batch} of the connection whose codec is {@code codec} (see
     * {@link Protocol#handle(Codec, List, List)}): calls {@code done} exactly once, either before
     * returning (the usual case: answered at once, on the calling thread) or later on any
     * thread. The caller leaves {@code batch} untouched until then. Must not block (a handler that
     * may is run on a model that can wait: see the protocol).
     */
    void handle(Codec<Q, R> codec, List<Q> batch, Replies<R> done) throws InterruptedException;
}
