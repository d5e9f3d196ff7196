package dev.caravan.lab.sync;

import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;

/**
 * A counting semaphore with a waiting queue and no busy waiting, as in the slides:
 *
 * <pre>
 * wait(S):   S.value--; if (S.value &lt; 0) { add this thread to S.list; block(); }
 * signal(S): S.value++; if (S.value &lt;= 0) { remove a thread P from S.list; wakeup(P); }
 * </pre>
 *
 * <p>A negative value counts the waiters. The short bodies of {@code wait} and {@code signal}
 * are themselves a critical section, guarded by this object's monitor; waiting happens parked
 * ({@link LockSupport#park}), never spinning. Waiters are woken in FIFO order, so the semaphore
 * is fair: no waiter starves while signals keep coming. A permit handed to a waiter is marked on
 * its node before the unpark, so spurious wake-ups and an unpark that arrives before the park are
 * both harmless. Thread-safe; not interruptible (as in the slides).
 */
public class QueueSemaphore {
    private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private int value;

    public QueueSemaphore(int initialValue) {
        if (initialValue < 0) {
            throw new IllegalArgumentException("initial value must be >= 0: " + initialValue);
        }
        this.value = initialValue;
    }

    /** The slides' {@code wait()} (P): takes a permit, parking in FIFO order until one is free. */
    public void acquire() {
        Waiter me;
        synchronized (this) {
            value--;
            if (value >= 0) {
                return;
            }
            me = new Waiter(Thread.currentThread());
            waiting.addLast(me);
        }
        while (!me.granted) {
            LockSupport.park(this);
        }
    }

    /** The slides' {@code signal()} (V): returns a permit, waking the longest waiter if any. */
    public void release() {
        Waiter next = null;
        synchronized (this) {
            beforeRelease(value);
            value++;
            if (value <= 0) {
                next = waiting.removeFirst();
            }
        }
        if (next != null) {
            next.granted = true;
            LockSupport.unpark(next.thread);
        }
    }

    /** The current value: permits available, or minus the number of waiters. */
    public synchronized int value() {
        return value;
    }

    /** A hook for subclasses to reject a release, called under the monitor with the old value. */
    protected void beforeRelease(int oldValue) {
    }

    private static final class Waiter {
        final Thread thread;
        volatile boolean granted;

        Waiter(Thread thread) {
            this.thread = thread;
        }
    }
}
