package dev.caravan.lab.tlp;

import dev.caravan.core.time.Clock;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples the threads of a workload and computes thread-level parallelism,
 * {@code TLP = Σ i·cᵢ / (1 − c₀)}, where {@code cᵢ} is the fraction of samples in which exactly
 * {@code i} of them were executing. Two definitions of "executing" are counted side by side:
 *
 * <ul>
 *   <li><b>RUNNABLE</b>: the JVM's thread state. A platform thread blocked in a socket read is
 *       in native code and so reported RUNNABLE: this overstates parallelism for I/O-bound work.</li>
 *   <li><b>on CPU</b>: the thread's CPU time ({@link ThreadMXBean#getThreadCpuTime}) advanced by at
 *       least half the sampling interval, i.e. the kernel really ran it.</li>
 * </ul>
 *
 * <p>Threading: {@link #start} starts one sampling platform thread; {@link #stop} stops it and
 * returns the result. The sampler itself uses some CPU (one {@code getThreadInfo} call and one
 * CPU-time read per thread per sample).
 */
public final class ThreadStateSampler {
    /**
     * Sampling result.
     *
     * @param samples      number of samples
     * @param runnableHist runnableHist[i] = samples with exactly i RUNNABLE workload threads
     * @param onCpuHist    onCpuHist[i] = samples with exactly i workload threads on CPU
     */
    public record Result(long samples, long[] runnableHist, long[] onCpuHist) {
        public double tlpRunnable() {
            return tlp(runnableHist);
        }

        public double tlpOnCpu() {
            return tlp(onCpuHist);
        }

        /** c₀ for the on-CPU definition: the fraction of time no workload thread ran. */
        public double idleFraction() {
            return samples == 0 ? Double.NaN : (double) onCpuHist[0] / samples;
        }

        /** TLP from a histogram of "i threads executing" counts; NaN if none ever executed. */
        public static double tlp(long[] hist) {
            long total = 0;
            long busy = 0;
            double weighted = 0;
            for (int i = 0; i < hist.length; i++) {
                total += hist[i];
                if (i > 0) {
                    busy += hist[i];
                    weighted += (double) i * hist[i];
                }
            }
            // Σ i·cᵢ / (1 − c₀) with cᵢ = hist[i]/total equals Σ i·hist[i] / Σ_{i>0} hist[i].
            return total == 0 || busy == 0 ? Double.NaN : weighted / busy;
        }
    }

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final Clock clock;
    private final long intervalNs;
    private final long[] ids;
    private final long[] runnableHist;
    private final long[] onCpuHist;
    private volatile boolean running;
    private Thread sampler;
    private volatile long samples;

    public ThreadStateSampler(List<Thread> threads, long intervalNs, Clock clock) {
        this.clock = clock;
        this.intervalNs = intervalNs;
        this.ids = threads.stream().mapToLong(Thread::threadId).toArray();
        this.runnableHist = new long[ids.length + 1];
        this.onCpuHist = new long[ids.length + 1];
        if (!mx.isThreadCpuTimeSupported()) {
            throw new IllegalStateException("this JVM cannot read per-thread CPU time");
        }
        mx.setThreadCpuTimeEnabled(true);
    }

    /** Starts sampling on a new platform thread. */
    public void start() {
        running = true;
        sampler = Thread.ofPlatform().name("tlp-sampler").daemon().start(this::loop);
    }

    /** Stops sampling and returns the histograms. */
    public Result stop() {
        running = false;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new Result(samples, runnableHist.clone(), onCpuHist.clone());
    }

    /** Samples taken so far (any thread may read it). */
    public long samplesTaken() {
        return samples;
    }

    private void loop() {
        long[] lastCpu = cpuTimes();
        long last = clock.nanoTime();
        while (running) {
            LockSupport.parkNanos(intervalNs);
            long now = clock.nanoTime();
            long[] cpu = cpuTimes();
            ThreadInfo[] infos = mx.getThreadInfo(ids);
            int runnable = 0;
            int onCpu = 0;
            long wall = Math.max(1, now - last);
            for (int i = 0; i < ids.length; i++) {
                if (infos[i] != null && infos[i].getThreadState() == Thread.State.RUNNABLE) {
                    runnable++;
                }
                if (cpu[i] >= 0 && lastCpu[i] >= 0 && 2 * (cpu[i] - lastCpu[i]) >= wall) {
                    onCpu++;
                }
            }
            runnableHist[runnable]++;
            onCpuHist[onCpu]++;
            samples = samples + 1;
            lastCpu = cpu;
            last = now;
        }
    }

    private long[] cpuTimes() {
        long[] t = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            t[i] = mx.getThreadCpuTime(ids[i]);
        }
        return t;
    }
}
