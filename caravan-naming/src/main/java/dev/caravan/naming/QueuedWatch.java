package dev.caravan.naming;

import java.util.function.Consumer;

/**
 * A watch whose listener is fed through its own {@link EventQueue}: events in order, one call at a
 * time, on a virtual thread of the watch, never on the thread that offers them. Used by
 * {@link LocalNamingService} and by back ends in other modules (the ZooKeeper one).
 *
 * <p>Threading: {@link #offer} and {@link #close} may be called from any thread; {@code offer}
 * never blocks, so a service may call it under its own lock to fix the order of events.
 */
public final class QueuedWatch implements Watch {
    private final String prefix;
    private final EventQueue events;
    private final Consumer<QueuedWatch> onClose;
    private volatile boolean closed;

    /**
     * @param onClose called once, on the closing thread, when the watch closes (by its owner or because its
     *                listener fell 100,000 events behind)
     */
    public QueuedWatch(String prefix, Consumer<NamingEvent> listener, Consumer<QueuedWatch> onClose) {
        this.prefix = prefix;
        this.events = new EventQueue(prefix, listener);
        this.onClose = onClose;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    /** Whether {@code name} is under this watch's prefix. */
    public boolean matches(String name) {
        return name.startsWith(prefix);
    }

    /** Queues an event; never blocks. A listener hopelessly behind loses its watch. */
    public void offer(NamingEvent event) {
        if (!events.offer(event)) {
            close();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.close();
        onClose.accept(this);
    }
}
