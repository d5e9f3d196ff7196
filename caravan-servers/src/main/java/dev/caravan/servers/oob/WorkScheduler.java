package dev.caravan.servers.oob;

import dev.caravan.wire.ErrorCode;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs long requests on a fixed set of worker threads, highest priority first, and lets an
 * out-of-band control channel {@link #cancel cancel} or {@link #reprioritize reprioritize} them
 * by id while they wait or run.
 *
 * <p>Work is simulated: a job holds one "resource" (counted by {@link #resourcesInUse()}) and
 * works in slices, checking {@link Thread#interrupted()} and sleeping interruptibly, so a cancel
 * stops it within one slice and the {@code finally} releases the resource.
 *
 * <p>Threading: {@link #submit}, {@link #cancel}, {@link #reprioritize} are thread-safe. Jobs run
 * on the scheduler's own platform threads ({@code workers} of them); a cancel interrupts only
 * the thread running that job (see {@link WorkJob}). {@link #close()} interrupts the workers and
 * cancels everything queued.
 */
public final class WorkScheduler implements AutoCloseable {
    private static final long SLICE_MS = 5;
    private final PriorityBlockingQueue<WorkJob> queue = new PriorityBlockingQueue<>(16,
            ((Comparator<WorkJob>) (a, b) -> Integer.compare(b.priority(), a.priority())).thenComparingLong(WorkJob::seq));
    private final Map<String, WorkJob> jobs = new ConcurrentHashMap<>();
    private final List<String> finishedOrder = new CopyOnWriteArrayList<>();
    private final AtomicInteger resources = new AtomicInteger();
    private final AtomicLong seq = new AtomicLong();
    private final Thread[] workers;
    private volatile boolean closed;

    private final dev.caravan.core.time.Clock clock = dev.caravan.core.time.Clock.system();

    public WorkScheduler(int workers, String name) {
        if (workers < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("workers must be positive, got " + workers);
        }
        this.workers = new Thread[workers];
        for (int i = 0; i < workers; i++) {
            this.workers[i] = Thread.ofPlatform().name(name + "-worker-" + i).daemon().unstarted(this::runWorker);
        }
        for (Thread t : this.workers) {
            t.start();
        }
    }

    /**
     * Queues a job.
     *
     * @throws dev.caravan.wire.CaravanException ALREADY_EXISTS when {@code id} is queued or running,
     *                                           INVALID_ARGUMENT for a negative duration, UNAVAILABLE after close
     */
    public WorkJob submit(String id, long workMs, int priority) {
        if (workMs < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("work of " + workMs + " ms");
        }
        if (closed) {
            throw ErrorCode.UNAVAILABLE.exception("scheduler closed");
        }
        WorkJob job = new WorkJob(id, workMs, priority, seq.incrementAndGet());
        if (jobs.putIfAbsent(id, job) != null) {
            throw ErrorCode.ALREADY_EXISTS.exception("request " + id + " is already queued or running");
        }
        queue.add(job);
        return job;
    }

    /**
     * Cancels a queued or running job; its requester gets {@link WorkJob#CANCELLED}.
     *
     * @return "queued" when it had not started, "running" when its work was interrupted
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when no such job is queued or running
     */
    public String cancel(String id) {
        WorkJob job = find(id);
        if (queue.remove(job)) {
            job.cancel();
            settle(job, WorkJob.CANCELLED);
            return "queued";
        }
        job.cancel();
        return "running";
    }

    /**
     * Moves a queued job to a new priority. A running job keeps running ("running").
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when no such job is queued or running
     */
    public String reprioritize(String id, int priority) {
        WorkJob job = find(id);
        if (queue.remove(job)) {
            job.priority(priority);
            queue.add(job);
            return "queued";
        }
        return "running";
    }

    private WorkJob find(String id) {
        WorkJob job = jobs.get(id);
        if (job == null) {
            throw ErrorCode.NOT_FOUND.exception("no request " + id + " is queued or running");
        }
        return job;
    }

    private void runWorker() {
        while (!closed) {
            WorkJob job;
            try {
                job = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (!job.start(Thread.currentThread())) {
                settle(job, WorkJob.CANCELLED);
                continue;
            }
            String result = WorkJob.DONE;
            resources.incrementAndGet();
            try {
                work(job.workMs());
            } catch (InterruptedException e) {
                result = WorkJob.CANCELLED;
            } finally {
                resources.decrementAndGet();
                job.finish();
                // an interrupt that arrived after the work ended belongs to this job only
                boolean ignored = Thread.interrupted();
            }
            settle(job, result);
        }
    }

    /** The simulated work: {@code ms} of interruptible waiting, timed by the injected clock. */
    private void work(long ms) throws InterruptedException {
        long end = clock.nanoTime() + ms * 1_000_000L;
        long left;
        while ((left = end - clock.nanoTime()) > 0) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            Thread.sleep(Math.min(SLICE_MS, Math.max(1, left / 1_000_000L)));
        }
    }

    private void settle(WorkJob job, String result) {
        jobs.remove(job.id(), job);
        finishedOrder.add(job.id());
        job.outcome().complete(result);
    }

    /** Resources held by running work right now; 0 when nothing runs. */
    public int resourcesInUse() {
        return resources.get();
    }

    /** Jobs waiting for a worker. */
    public int queued() {
        return queue.size();
    }

    /** Ids of jobs that ran, were interrupted or were cancelled while queued, in the order they ended. */
    public List<String> finishedOrder() {
        return List.copyOf(finishedOrder);
    }

    /** Whether {@code id} is running on a worker right now. */
    public boolean isRunning(String id) {
        WorkJob job = jobs.get(id);
        return job != null && !queue.contains(job) && !job.outcome().isDone();
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) {
            t.interrupt();
        }
        for (WorkJob job : jobs.values()) {
            job.cancel();
            job.outcome().complete(WorkJob.CANCELLED);
        }
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
