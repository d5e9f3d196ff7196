package dev.caravan.switching.pool;

import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.policy.DispatchKey;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The FIFO of dispatches waiting for a free slot in a {@link BackendPool} (HAProxy's backend
 * queue). Every waiter has the same timeout, so the oldest is always the first to expire.
 * A waiter whose future completed elsewhere (the caller cancelled it) is dropped when met.
 *
 * <p>Threading: not thread-safe; guarded by the pool's lock. Futures are never completed here:
 * completions are appended to a list that the pool runs after releasing its lock.
 */
final class WaitQueue {
    /** A dispatch waiting for a slot. */
    record Waiter(CompletableFuture<Ticket> future, DispatchKey key, long deadlineNs) {
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** Waiters still pending (cancelled ones are dropped first). */
    int size() {
        waiters.removeIf(w -> w.future().isDone());
        return waiters.size();
    }

    void add(Waiter waiter) {
        waiters.addLast(waiter);
    }

    /** The oldest waiter still pending, removed; null when none. */
    Waiter pollPending() {
        Waiter w;
        do {
            w = waiters.pollFirst();
        } while (w != null && w.future().isDone());
        return w;
    }

    /** Fails, with {@code error}, every waiter whose deadline is at or before {@code nowNs}. */
    void expire(long nowNs, Supplier<RuntimeException> error, List<Runnable> completions) {
        while (!waiters.isEmpty() && waiters.peekFirst().deadlineNs() <= nowNs) {
            fail(waiters.pollFirst(), error, completions);
        }
    }

    /** Fails every waiter with {@code error}. */
    void failAll(Supplier<RuntimeException> error, List<Runnable> completions) {
        while (!waiters.isEmpty()) {
            fail(waiters.pollFirst(), error, completions);
        }
    }

    private static void fail(Waiter w, Supplier<RuntimeException> error, List<Runnable> completions) {
        if (!w.future().isDone()) {
            RuntimeException e = error.get();
            completions.add(() -> w.future().completeExceptionally(e));
        }
    }
}
