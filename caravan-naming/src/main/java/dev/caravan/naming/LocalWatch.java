package dev.caravan.naming;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A watch of {@link LocalNamingService}: a bounded per-watch queue drained by one virtual
 * thread at a time, so each watch sees its events in order, one call at a time, and a slow
 * listener delays only itself. {@link #offer} never blocks, so the service may call it while
 * holding its table lock (which is what fixes the order of events).
 *
 * <p>A listener that falls more than {@value #MAX_PENDING_EVENTS} events behind has broken
 * its contract; the watch is cancelled and the fact logged, rather than growing without bound.
 */
final class LocalWatch implements Watch {
    static final int MAX_PENDING_EVENTS = 100_000;
    private static final System.Logger LOG = System.getLogger(LocalWatch.class.getName());

    private final String prefix;
    private final Consumer<NamingEvent> listener;
    private final Consumer<LocalWatch> onClose;
    private final ArrayDeque<NamingEvent> queue = new ArrayDeque<>();
    private boolean draining;
    private volatile boolean closed;

    LocalWatch(String prefix, Consumer<NamingEvent> listener, Consumer<LocalWatch> onClose) {
        this.prefix = prefix;
        this.listener = listener;
        this.onClose = onClose;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    boolean matches(String name) {
        return name.startsWith(prefix);
    }

    /** Queues an event; never blocks. */
    void offer(NamingEvent event) {
        boolean overflow = false;
        synchronized (queue) {
            if (closed) {
                return;
            }
            if (queue.size() >= MAX_PENDING_EVENTS) {
                overflow = true;
            } else {
                queue.addLast(event);
                if (!draining) {
                    draining = true;
                    Thread.ofVirtual().name("naming-watch").start(this::drain);
                }
            }
        }
        if (overflow) {
            LOG.log(System.Logger.Level.WARNING, "naming watch on '" + prefix + "' fell "
                    + MAX_PENDING_EVENTS + " events behind; cancelling it");
            close();
        }
    }

    private void drain() {
        while (true) {
            NamingEvent next;
            synchronized (queue) {
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

    @Override
    public void close() {
        synchronized (queue) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        onClose.accept(this);
    }
}
