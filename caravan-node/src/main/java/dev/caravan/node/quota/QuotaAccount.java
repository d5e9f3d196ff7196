package dev.caravan.node.quota;

import dev.caravan.core.process.ProcessRunner;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One hosted process's quota accounting: its quotas, its CPU window (fed by the
 * {@link QuotaWatchdog}), its request-rate bucket ({@link #admitRequests}), the CPU throttle its
 * thread obeys between requests ({@link #betweenBatches}) and what it was refused so far.
 *
 * <p>Threading: {@link #admitRequests} runs on whichever thread serves the process's connections
 * (its own thread by default), {@link #betweenBatches} on the process thread, the CPU window on the
 * watchdog thread; the flags between them are volatile. A violation that stops the process is
 * reported once ({@link #markEnforced}).
 */
public final class QuotaAccount implements ProcessRunner.Pacer {
    /** What the watchdog reads of the process without asking its thread. */
    public interface Probe {
        /** What the process thread is doing now (a command's name, a hook), or null when idle. */
        String busyWith();

        /** When that work began, on the watchdog's nanosecond clock. */
        long busySinceNs();

        /** The process thread's CPU time so far (ns), -1 when unknown (no thread yet, not measurable). */
        long threadCpuNs();
    }

    /** The longest a throttled thread is held at once before it looks again, so a stuck watchdog cannot hold it forever. */
    static final long MAX_HOLD_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long HOLD_SLICE_NS = TimeUnit.MILLISECONDS.toNanos(5);

    private final String name;
    private final ProcessQuotas quotas;
    private final Probe probe;
    private final TokenBucket bucket;
    private final Consumer<QuotaViolation> onViolation;
    private final LongSupplier nanoClock;
    final CpuWindow cpu = new CpuWindow(TimeUnit.SECONDS.toNanos(1));
    private final AtomicBoolean enforced = new AtomicBoolean();
    private volatile boolean cpuThrottled;
    private volatile QuotaViolation violation;
    private volatile double cpuPercent;
    private final AtomicLong throttledNs = new AtomicLong();
    private final AtomicLong refusedConnections = new AtomicLong();

    /**
     * @param onViolation told of a violation this account finds itself (request rate, connections);
     *                    the watchdog reports the others
     */
    public QuotaAccount(String name, ProcessQuotas quotas, Probe probe, LongSupplier nanoClock, Consumer<QuotaViolation> onViolation) {
        this.name = name;
        this.quotas = quotas;
        this.probe = probe;
        this.nanoClock = nanoClock;
        this.onViolation = onViolation;
        this.bucket = quotas.requestsPerSecond() > 0
                ? new TokenBucket(quotas.requestsPerSecond(), quotas.requestsPerSecond(), nanoClock) : null;
    }

    public String name() {
        return name;
    }

    public ProcessQuotas quotas() {
        return quotas;
    }

    Probe probe() {
        return probe;
    }

    /**
     * Before a batch of {@code commands} is run: true to run it. Under {@link ProcessQuotas.Policy#THROTTLE}
     * the calling thread is held until the rate allows it (its reading pauses: backpressure) and the
     * answer is true; under {@link ProcessQuotas.Policy#STOP} a batch over the rate is refused (false),
     * the violation reported (the process is then stopped) and every later batch refused.
     */
    public boolean admitRequests(int commands) {
        if (enforced.get()) {
            return false;
        }
        if (bucket == null) {
            return true;
        }
        if (quotas.policy() == ProcessQuotas.Policy.STOP) {
            if (bucket.tryTake(commands)) {
                return true;
            }
            report(new QuotaViolation(QuotaViolation.Kind.REQUEST_RATE, "request-rate quota " + quotas.requestsPerSecond()
                    + "/s exceeded (a batch of " + commands + " found " + Math.max(0, bucket.available()) + " left)"));
            return false;
        }
        hold(bucket.take(commands));
        return true;
    }

    /** A client was refused at the connection quota: counted; the first refusal of a run is reported. */
    public void onConnectionRefused() {
        if (refusedConnections.getAndIncrement() == 0) {
            onViolation.accept(new QuotaViolation(QuotaViolation.Kind.CONNECTIONS, "connection quota " + quotas.connections()
                    + " reached: further clients get -ERR max number of clients reached"));
        }
    }

    /** The process thread, between requests: held while the CPU throttle is on (at most {@link #MAX_HOLD_NS} at once). */
    @Override
    public void betweenBatches() {
        if (!cpuThrottled) {
            return;
        }
        long start = nanoClock.getAsLong();
        while (cpuThrottled && !enforced.get() && nanoClock.getAsLong() - start < MAX_HOLD_NS) {
            LockSupport.parkNanos(HOLD_SLICE_NS);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        throttledNs.addAndGet(nanoClock.getAsLong() - start);
    }

    private void hold(long ns) {
        if (ns <= 0) {
            return;
        }
        long start = nanoClock.getAsLong();
        long left = ns;
        while (left > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(left);
            left = ns - (nanoClock.getAsLong() - start);
        }
        throttledNs.addAndGet(nanoClock.getAsLong() - start);
    }

    private void report(QuotaViolation v) {
        if (markEnforced(v)) {
            onViolation.accept(v);
        }
    }

    /** Claims the one enforcement of this account for {@code v}; false when it was already claimed. */
    boolean markEnforced(QuotaViolation v) {
        if (!enforced.compareAndSet(false, true)) {
            return false;
        }
        violation = v;
        return true;
    }

    /** The violation the process was stopped for, null while it was not. */
    public QuotaViolation violation() {
        return violation;
    }

    /** Whether the process was (or is being) stopped for a quota. */
    public boolean enforced() {
        return enforced.get();
    }

    void cpuThrottled(boolean on) {
        cpuThrottled = on;
    }

    /** Whether the CPU throttle holds the thread between requests now. */
    public boolean cpuThrottled() {
        return cpuThrottled;
    }

    void cpuPercent(double p) {
        cpuPercent = p;
    }

    /** The CPU share last measured over a full window, percent of one core. */
    public double cpuPercent() {
        return cpuPercent;
    }

    /** Total time the process was held back by a throttle, ns. */
    public long throttledNs() {
        return throttledNs.get();
    }

    /** Clients refused at the connection quota. */
    public long refusedConnections() {
        return refusedConnections.get();
    }
}
