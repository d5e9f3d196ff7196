package dev.caravan.naming;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The delivery half of a watch: a bounded queue drained by one virtual thread at a time, so
 * the listener sees events in order, one call at a time, never on the producer's thread, and
 * a slow listener delays only its own watch. {@link #offer} never blocks, so producers may
 * call it while holding their own locks (which is what fixes the order of events).
 *
 * <p>A listener more than {@value #MAX_PENDING_EVENTS} events behind has broken its contract:
 * {@link #offer} then returns false and the owner cancels the watch, rather than letting the
 * queue grow without bound.
 */
final class EventQueue {
    static final int MAX_PENDING_EVENTS = 100_000;
    private static final System.Logger LOG = System.getLogger(EventQueue.class.getName());

    private final String prefix;
    private final Consumer<NamingEvent> listener;
    private final ArrayDeque<NamingEvent> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;

    EventQueue(String prefix, Consumer<NamingEvent> listener) {
        this.prefix = prefix;
        this.listener = listener;
    }

    /** Queues an event; false when the queue is full (the event is dropped). Never blocks. */
    synchronized boolean offer(NamingEvent event) {
        if (closed) {
            return true;
        }
        if (queue.size() >= MAX_PENDING_EVENTS) {
            LOG.log(System.Logger.Level.WARNING, "naming watch on '" + prefix + "' fell "
                    + MAX_PENDING_EVENTS + " events behind; cancelling it");
            return false;
        }
        queue.addLast(event);
        if (!draining) {
            draining = true;
            Thread.ofVirtual().name("naming-watch").start(this::drain);
        }
        return true;
    }

    private void drain() {
        while (true) {
            NamingEvent next;
            synchronized (this) {
                next = closed ? null : queue.pollFirst();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            try {
                listener.accept(next);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "naming watch listener on '" + prefix + "' failed", e);
            }
        }
    }

    /** Drops queued events; no listener call begins after this returns. Idempotent. */
    synchronized void close() {
        closed = true;
        queue.clear();
    }
}
