package dev.caravan.naming;

import java.util.function.Consumer;

/** A watch of {@link LocalNamingService}; delivery runs through its own {@link EventQueue}. */
final class LocalWatch implements Watch {
    private final String prefix;
    private final EventQueue events;
    private final Consumer<LocalWatch> onClose;
    private volatile boolean closed;

    LocalWatch(String prefix, Consumer<NamingEvent> listener, Consumer<LocalWatch> onClose) {
        this.prefix = prefix;
        this.events = new EventQueue(prefix, listener);
        this.onClose = onClose;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    boolean matches(String name) {
        return name.startsWith(prefix);
    }

    /** Queues an event; never blocks. A listener hopelessly behind loses its watch. */
    void offer(NamingEvent event) {
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
