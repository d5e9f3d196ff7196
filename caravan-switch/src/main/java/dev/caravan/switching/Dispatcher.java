package dev.caravan.switching;

import dev.caravan.switching.policy.DispatchKey;

import java.util.concurrent.CompletableFuture;

/**
 * The chapter's dispatcher: picks the backend for a new connection (transport-level, handoff) or
 * a request (content-aware) among the eligible members of one route's backend set — healthy,
 * enabled, not draining, under their connection limit — with the route's policy. Distributors
 * (the front ends) carry the connection or request there and report back through the
 * {@link Ticket}.
 *
 * <p>Threading: thread-safe; never blocks the caller (queueing is a future).
 */
public interface Dispatcher {
    /**
     * A backend for this connection or request, at once when one is eligible and under its limit;
     * otherwise queued until a slot frees (FIFO) within the front end's queue timeout.
     *
     * @return completes with a ticket, or exceptionally with a {@link dev.caravan.wire.CaravanException}:
     *         UNAVAILABLE when the set has no eligible backend, BUSY when the queue is full or the wait timed out
     */
    CompletableFuture<Ticket> dispatch(DispatchKey key);

    /**
     * One connection or request placed on a backend: holds its slot until closed. Report the
     * outcome so that passive health checks and least-connections see it.
     *
     * <p>Threading: one owner; {@link #close} is idempotent.
     */
    interface Ticket extends AutoCloseable {
        Backend backend();

        /** The backend answered (latency in ns, for passive latency checks). */
        void onSuccess(long latencyNs);

        /** The backend could not be reached or failed mid-exchange (counts toward its fall). */
        void onFailure(String why);

        /** Frees the slot. */
        @Override
        void close();
    }
}
