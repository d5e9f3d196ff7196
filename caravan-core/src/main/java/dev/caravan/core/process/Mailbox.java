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

    Mailbox(int capacityCommands) {
        this.capacityCommands = capacityCommands;
    }

    void putBatch(Batch b) throws InterruptedException {
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
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a notice that carries no commands (a client's connection closed) behind the batches
     * already queued, without waiting for room: it is posted from connection threads and event
     * loops that must not block.
     *
     * @return false when the mailbox is closed (the notice is dropped)
     */
    boolean putNotice(Batch b) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            batches.add(b);
            workAvailable.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void putTask(Runnable task) {
        lock.lock();
        try {
            tasks.add(task);
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
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
        lock.lock();
        try {
            gated = on;
            workAvailable.signal();
        } finally {
            lock.unlock();
        }
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
