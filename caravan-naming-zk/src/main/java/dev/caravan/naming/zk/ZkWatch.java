package dev.caravan.naming.zk;

import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.Watch;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A watch of {@link ZkNamingService}: a bounded queue drained by one virtual thread at a time,
 * so the listener sees its events in order, one call at a time, never on ZooKeeper's event
 * thread nor on the service's event thread, and a slow listener delays only itself (the same
 * delivery as the embedded service's watches). A listener more than {@value #MAX_PENDING_EVENTS}
 * events behind loses its watch rather than growing the queue without bound.
 */
final class ZkWatch implements Watch {
    static final int MAX_PENDING_EVENTS = 100_000;
    private static final System.Logger LOG = System.getLogger(ZkWatch.class.getName());

    private final String prefix;
    private final Consumer<NamingEvent> listener;
    private final Consumer<ZkWatch> onClose;
    private final ArrayDeque<NamingEvent> queue = new ArrayDeque<>();
    private boolean draining;
    private boolean closed;

    ZkWatch(String prefix, Consumer<NamingEvent> listener, Consumer<ZkWatch> onClose) {
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
        synchronized (this) {
            if (closed) {
                return;
            }
            if (queue.size() < MAX_PENDING_EVENTS) {
                queue.addLast(event);
                if (!draining) {
                    draining = true;
                    Thread.ofVirtual().name("zk-naming-watch").start(this::drain);
                }
                return;
            }
        }
        LOG.log(System.Logger.Level.WARNING, "naming watch on '" + prefix + "' fell "
                + MAX_PENDING_EVENTS + " events behind; cancelling it");
        close();
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

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        onClose.accept(this);
    }
}
