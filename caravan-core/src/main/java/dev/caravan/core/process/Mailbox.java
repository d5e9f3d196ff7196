package dev.caravan.core.process;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The process's execution-state queue: command batches from clients and control tasks from
 * the runtime. Many threads put; only the process thread takes. Control tasks are taken even
 * while the mailbox is {@link #gate(boolean) gated}; command batches are not, which is how a
 * process is frozen at a request boundary without losing what is queued.
 *
 * <p>Bounded by commands queued: {@link #putBatch} blocks when full (back-pressure onto the
 * clients' connection threads) and fails once the mailbox is closed.
 *
 * <p>When the process thread serves I/O itself ({@link IoAgent}), it sleeps in the agent instead
 * of on {@link #workAvailable}: {@link #pollOrSleep} marks it asleep, and whoever adds work then
 * calls the {@link #waker} once (after releasing the lock).
 */
final class Mailbox {
    /**
     * A batch of commands from {@code client} whose replies go back together, in order; or, with
     * a null {@code completion} and no commands, the notice that the client's connection closed.
     */
    record Batch(ClientRef client, Command[] commands, ProcessRunner.Completion completion) {
        boolean isClientClosed() {
            return completion == null;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workAvailable = lock.newCondition();
    private final Condition spaceAvailable = lock.newCondition();
    private final ArrayDeque<Batch> batches = new ArrayDeque<>();
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    private final int capacityCommands;
    private int queuedCommands;
    private boolean gated;
    private boolean closed;
    private Runnable waker;
    private boolean sleeping;

    Mailbox(int capacityCommands) {
        this.capacityCommands = capacityCommands;
    }

    void putBatch(Batch b) throws InterruptedException {
        boolean wake = false;
        lock.lock();
        try {
            // A batch larger than the whole capacity is let in alone rather than refused.
            while (!closed && queuedCommands > 0 && queuedCommands + b.commands().length > capacityCommands) {
                spaceAvailable.await();
            }
            if (closed) {
                throw ErrorCode.NOT_HERE.exception("the process is no longer taking commands on this node");
            }
            batches.add(b);
            queuedCommands += b.commands().length;
            wake = signalWork();
        } finally {
            lock.unlock();
        }
        wake(wake);
    }

    /**
     * Queues a notice that carries no commands (a client's connection closed) behind the batches
     * already queued, without waiting for room: it is posted from connection threads and event
     * loops that must not block.
     *
     * @return false when the mailbox is closed (the notice is dropped)
     */
    boolean putNotice(Batch b) {
        boolean wake;
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            batches.add(b);
            wake = signalWork();
        } finally {
            lock.unlock();
        }
        wake(wake);
        return true;
    }

    /**
     * Queues a batch without waiting for room: for the process thread itself, which must never
     * block on its own mailbox (it holds one batch per connection at most, a bound of its own).
     */
    void putBatchNoWait(Batch b) {
        boolean wake;
        lock.lock();
        try {
            if (closed) {
                throw ErrorCode.NOT_HERE.exception("the process is no longer taking commands on this node");
            }
            batches.add(b);
            queuedCommands += b.commands().length;
            wake = signalWork();
        } finally {
            lock.unlock();
        }
        wake(wake);
    }

    /** Whether a batch may run now, ahead of the queue: batches are taken (not gated or closed) and no task waits. */
    boolean takesBatchesNow() {
        lock.lock();
        try {
            return !closed && !gated && tasks.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** What wakes the process thread while it sleeps in its {@link IoAgent}; set before it starts. */
    void waker(Runnable wake) {
        lock.lock();
        try {
            waker = wake;
        } finally {
            lock.unlock();
        }
    }

    /** Signals the waiting process thread; true when it sleeps in its agent instead (caller holds the lock). */
    private boolean signalWork() {
        workAvailable.signal();
        boolean wake = sleeping;
        sleeping = false;
        return wake;
    }

    private void wake(boolean wake) {
        if (wake) {
            waker.run();
        }
    }

    /**
     * The next work; or null, and then the process thread counts as asleep in its agent until
     * {@link #awake}: work added meanwhile calls the {@link #waker}.
     */
    Object pollOrSleep() {
        lock.lock();
        try {
            Object work = next();
            sleeping = work == null && waker != null;
            return work;
        } finally {
            lock.unlock();
        }
    }

    /** The process thread is back from its agent. */
    void awake() {
        lock.lock();
        try {
            sleeping = false;
        } finally {
            lock.unlock();
        }
    }

    void putTask(Runnable task) {
        boolean wake = false;
        lock.lock();
        try {
            tasks.add(task);
            wake = signalWork();
        } finally {
            lock.unlock();
        }
        wake(wake);
    }

    /** Next work for the process thread: a task first, then a batch unless gated. */
    Object take() throws InterruptedException {
        lock.lock();
        try {
            Object work;
            while ((work = next()) == null) {
                workAvailable.await();
            }
            return work;
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #take}, waiting at most {@code timeoutNs}: the next work, or null when none came in
     * time (the runner then checks the deadlines of its parked batches).
     */
    Object take(long timeoutNs) throws InterruptedException {
        lock.lock();
        try {
            Object work;
            long leftNs = timeoutNs;
            while ((work = next()) == null) {
                if (leftNs <= 0) {
                    return null;
                }
                leftNs = workAvailable.awaitNanos(leftNs);
            }
            return work;
        } finally {
            lock.unlock();
        }
    }

    /** {@link #take} without waiting: the next work, or null when there is none (stepped runners). */
    Object poll() {
        lock.lock();
        try {
            return next();
        } finally {
            lock.unlock();
        }
    }

    /** The next work or null; the caller holds the lock. */
    private Object next() {
        Runnable t = tasks.poll();
        if (t != null) {
            return t;
        }
        if (!gated && !batches.isEmpty()) {
            Batch b = batches.poll();
            queuedCommands -= b.commands().length;
            spaceAvailable.signalAll();
            return b;
        }
        return null;
    }

    /** Stops (true) or restarts (false) the taking of command batches. */
    void gate(boolean on) {
        boolean wake = false;
        lock.lock();
        try {
            gated = on;
            wake = signalWork();
        } finally {
            lock.unlock();
        }
        wake(wake);
    }

    /** Refuses further batches and returns the ones still queued, oldest first. */
    List<Batch> closeAndDrain() {
        lock.lock();
        try {
            closed = true;
            List<Batch> rest = new ArrayList<>(batches);
            batches.clear();
            queuedCommands = 0;
            spaceAvailable.signalAll();
            return rest;
        } finally {
            lock.unlock();
        }
    }

    int queuedCommands() {
        lock.lock();
        try {
            return queuedCommands;
        } finally {
            lock.unlock();
        }
    }
}
