package dev.caravan.observe;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One watcher's view of an {@link EventLog}: a bounded queue the log fills and one reader
 * thread drains with {@link #next}. Ended by {@link #close} or, when the reader falls
 * {@link #CAPACITY} events behind, by the log ({@link #overflowed()}).
 */
public final class Subscription implements AutoCloseable {
    /** Events a subscription may hold unread before it is ended. */
    public static final int CAPACITY = 4096;

    private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Consumer<Subscription> onClose;
    private volatile boolean overflowed;
    private volatile boolean closed;

    Subscription(Consumer<Subscription> onClose) {
        this.onClose = onClose;
    }

    /** Called by the log with its lock held: never blocks. */
    void offer(Event e) {
        if (closed) {
            return;
        }
        if (!queue.offer(e)) {
            overflowed = true;
            close();
        }
    }

    /**
     * The next event, waiting at most {@code timeoutMs}; null when none came in time or the
     * subscription has ended and nothing is left to read.
     */
    public Event next(long timeoutMs) throws InterruptedException {
        Event e = queue.poll();
        if (e != null || closed) {
            return e;
        }
        return queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** True once the reader fell too far behind and events were dropped: resume from the ring. */
    public boolean overflowed() {
        return overflowed;
    }

    /** True once ended (closed by its reader or by overflow). */
    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.accept(this);
        }
    }
}
