package dev.caravan.servers.oob;

import java.util.concurrent.CompletableFuture;

/**
 * One long request in a {@link WorkScheduler}: its client-chosen id, how long it works, its
 * priority (higher runs first; ties in arrival order) and the outcome its requester waits on.
 *
 * <p>Threading: {@link #priority} changes only while the job is out of the scheduler's queue;
 * the running thread is set and cleared under this object's lock so that a cancel interrupts
 * exactly this job's work and never the next job's.
 */
public final class WorkJob {
    /** The reply of work that ran to its end. */
    public static final String DONE = "done";
    /** The reply of work cancelled through the control channel. */
    public static final String CANCELLED = "cancelled";

    private final String id;
    private final long workMs;
    private final long seq;
    private volatile int priority;
    private final CompletableFuture<String> outcome = new CompletableFuture<>();
    private Thread runner;
    private boolean cancelRequested;

    WorkJob(String id, long workMs, int priority, long seq) {
        this.id = id;
        this.workMs = workMs;
        this.priority = priority;
        this.seq = seq;
    }

    public String id() {
        return id;
    }

    public long workMs() {
        return workMs;
    }

    public int priority() {
        return priority;
    }

    void priority(int p) {
        priority = p;
    }

    long seq() {
        return seq;
    }

    /** Completes with {@link #DONE} or {@link #CANCELLED}. */
    public CompletableFuture<String> outcome() {
        return outcome;
    }

    /** Called by the worker; false when the job was cancelled before it started. */
    synchronized boolean start(Thread t) {
        if (cancelRequested) {
            return false;
        }
        runner = t;
        return true;
    }

    /** Called by the worker when the work ended (any way). */
    synchronized void finish() {
        runner = null;
    }

    /** Marks the job cancelled and interrupts its work if it is running. @return true when it was running */
    synchronized boolean cancel() {
        cancelRequested = true;
        if (runner != null) {
            runner.interrupt();
            return true;
        }
        return false;
    }
}
