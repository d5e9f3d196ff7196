package dev.caravan.switching.pool;

import dev.caravan.switching.Backend;
import dev.caravan.switching.FrontendProtocol;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Active health checks of one pool: every {@code intervalMs}, one {@link HealthProbe} per
 * backend that is not DISABLED, in turn, reported to the pool, which applies {@code fall} and
 * {@code rise}. Runs on one platform thread of its own per pool (blocking sockets with bounded
 * timeouts), never on the data plane's threads.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #close()} stops it (idempotent; wakes the thread and
 * waits up to one probe timeout for it). {@link #probeOnce()} runs one round on the caller's
 * thread (tests step health checks by hand with it).
 */
public final class HealthProber implements AutoCloseable {
    /** Receives each check's outcome. */
    interface Listener {
        void onProbe(String backendId, boolean up);
    }

    private static final System.Logger LOG = System.getLogger(HealthProber.class.getName());

    private final String name;
    private final FrontendProtocol protocol;
    private final long intervalMs;
    private final int timeoutMs;
    private final Supplier<List<Backend>> targets;
    private final Listener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition stopped = lock.newCondition();
    private boolean closed;
    private Thread thread;

    HealthProber(String name, FrontendProtocol protocol, long intervalMs, Supplier<List<Backend>> targets,
                 Listener listener) {
        this.name = name;
        this.protocol = protocol;
        this.intervalMs = intervalMs;
        // HAProxy's "timeout check" defaults to the interval; bounded so a round of many backends stays short.
        this.timeoutMs = Math.clamp(intervalMs, 100, 2_000);
        this.targets = targets;
        this.listener = listener;
    }

    /** Checks every current target once, on this thread, and reports each outcome. */
    public void probeOnce() {
        for (Backend b : targets.get()) {
            boolean up = HealthProbe.check(protocol, b.address(), timeoutMs);
            listener.onProbe(b.id(), up);
        }
    }

    /** Starts the checking thread; a no-op when the interval is 0 (active checks off). */
    public void start() {
        lock.lock();
        try {
            if (intervalMs <= 0 || thread != null || closed) {
                return;
            }
            thread = Thread.ofPlatform().daemon().name("caravan-check-" + name).start(this::run);
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (awaitNextRound()) {
            try {
                probeOnce();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "health checks of " + name + " failed; they go on next round", e);
            }
        }
    }

    /** Waits one interval; false once closed. */
    private boolean awaitNextRound() {
        lock.lock();
        try {
            long leftNs = intervalMs * 1_000_000L;
            while (!closed && leftNs > 0) {
                leftNs = stopped.awaitNanos(leftNs);
            }
            return !closed;
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            stopped.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(timeoutMs * 2L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
