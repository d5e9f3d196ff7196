package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.migration.MovableProcess;
import dev.caravan.migration.RecentReplies;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.core.process.ProcessStats;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.StopReply;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process as its node holds it: the spec it was started from, its runner (thread, mailbox,
 * memory), its data endpoint and its recent replies. Immutable references; the mutable parts
 * are owned by the runner.
 *
 * <p><b>Stopping.</b> {@link #close} stops within the node's stop deadline. A process whose
 * thread does not end by then is <em>abandoned</em>: its endpoint is closed, its thread is left
 * interrupted, and its memory is <em>not</em> freed while the thread lives, because the thread
 * may still be touching it. (The memory is a shared FFM arena, so freeing it would turn the
 * thread's next access into an exception rather than a crash; but process code may catch that
 * and keep going on half-written state, and a loop that never touches memory would not notice
 * at all. Keeping the memory until the thread ends costs memory, never correctness.) The memory
 * is freed when the thread ends, if ever; until then {@code ps} shows the process as STUCK with
 * what it holds.
 */
final class HostedProcess implements MovableProcess {
    private static final System.Logger LOG = System.getLogger(HostedProcess.class.getName());
    /** A command (or hook) running longer than this makes ps show the process BUSY. */
    static final long BUSY_AFTER_NS = TimeUnit.SECONDS.toNanos(1);
    /** The longest ps waits for a live, idle process thread's reading of its counters. */
    static final long STATS_WAIT_MS = 250;

    private final ProcessSpec spec;
    private final ProcessRunner runner;
    private final PagedMemory memory;
    private final DataEndpoint endpoint;
    private final String dataHost;
    private final String front;
    private final Duration stopDeadline;
    private final RecentReplies recentReplies = new RecentReplies(RecentReplies.DEFAULT_CAPACITY);
    private final CompletableFuture<StopReply> closed = new CompletableFuture<>();
    private volatile boolean closing;
    private volatile String abandonedDetail;
    /** RESP over TLS for the data endpoint ({@code caravan node --resp-tls}); null when it has none. */
    private volatile dev.caravan.wire.resp.RespTlsFront respTls;
    /** The last question put to the process thread by {@link #askStats} and when (System.nanoTime: a real-time bound); guarded by this. */
    private CompletableFuture<ProcessStats> pendingStats;
    private long pendingSinceNs;

    /** @param front the process's stable endpoint (host:port), "" if it has none */
    HostedProcess(ProcessSpec spec, ProcessRunner runner, PagedMemory memory, DataEndpoint endpoint, String dataHost,
                  String front, Duration stopDeadline) {
        this.spec = spec;
        this.runner = runner;
        this.memory = memory;
        this.endpoint = endpoint;
        this.dataHost = dataHost;
        this.front = front;
        this.stopDeadline = stopDeadline;
    }

    @Override
    public String front() {
        return front;
    }

    @Override
    public ProcessSpec spec() {
        return spec;
    }

    @Override
    public ProcessRunner runner() {
        return runner;
    }

    @Override
    public PagedMemory memory() {
        return memory;
    }

    DataEndpoint endpoint() {
        return endpoint;
    }

    /**
     * Opens RESP over TLS for the data endpoint: a {@link dev.caravan.wire.resp.RespTlsFront} on
     * the data host, any free port, relaying to the endpoint. Once; the node publishes its port
     * in naming ({@code tls-port}) and closes it with the process, or when the process has moved.
     *
     * @throws java.io.IOException when the listener cannot be opened
     */
    void openRespTls(dev.caravan.wire.security.TransportSecurity security) throws java.io.IOException {
        if (respTls == null) {
            respTls = new dev.caravan.wire.resp.RespTlsFront(security, new java.net.InetSocketAddress(dataHost, 0),
                    new java.net.InetSocketAddress(dataHost, endpoint.port()));
        }
    }

    /** The RESP-over-TLS port of the data endpoint; 0 when it has none. */
    int respTlsPort() {
        dev.caravan.wire.resp.RespTlsFront f = respTls;
        return f == null ? 0 : f.port();
    }

    /** Closes RESP over TLS (its listener and every connection through it); never throws. */
    void closeRespTls() {
        dev.caravan.wire.resp.RespTlsFront f = respTls;
        if (f != null) {
            f.close();
        }
    }

    @Override
    public int dataPort() {
        return endpoint.port();
    }

    /** Its RESP-over-TLS front's port, where TLS source nodes hand sessions off to it; 0 when none. */
    @Override
    public int tlsDataPort() {
        return respTlsPort();
    }

    @Override
    public String dataHost() {
        return dataHost;
    }

    @Override
    public RecentReplies recentReplies() {
        return recentReplies;
    }

    /**
     * Refuses at once when the process cannot serve: for calls, migrations and checkpoints, so
     * that none of them waits on a process that will never answer.
     *
     * @throws dev.caravan.wire.CaravanException PROCESS_FAILED with the reason when it has failed
     */
    void requireServing() {
        runner.requireNotFailed();
    }

    /** Whether this process was given up on when it did not stop by its deadline. */
    boolean abandoned() {
        return abandonedDetail != null;
    }

    /**
     * The detail of a running process: the status line the process set (an agent's "working hop 0/3
     * on n2"), which says more than the runner could; else its clients blocked in BLPOP and the like,
     * if any; else "".
     */
    static String runningDetail(String statusLine, int parkedBatches) {
        if (!statusLine.isEmpty()) {
            return statusLine;
        }
        return parkedBatches > 0 ? parkedBatches + (parkedBatches == 1 ? " client" : " clients") + " blocked (BLPOP and the like)" : "";
    }

    /**
     * Asks the process thread for a consistent reading of its counters, unless it cannot answer
     * (its thread has ended or the process FAILED, it is busy past {@link #BUSY_AFTER_NS}, it is
     * closing) or an earlier question is still unanswered. Returns at once; {@link #info} waits for
     * the answer at most {@link #STATS_WAIT_MS}. {@link NodeDaemon#list} asks every process first, so
     * that a list waits that long in all, not per process.
     */
    void askStats() {
        String doing = runner.busyWith();
        boolean busy = doing != null && runner.clock().nanoTime() - runner.busySinceNs() > BUSY_AFTER_NS;
        if (busy || closing || !threadCanAnswer()) {
            return;
        }
        synchronized (this) {
            if (pendingStats == null || pendingStats.isDone()) {
                pendingStats = runner.stats();
                pendingSinceNs = System.nanoTime();
            }
        }
    }

    /** Whether the process thread may still run a posted task: not ended, and the process not FAILED (its thread is gone or going). */
    private boolean threadCanAnswer() {
        ProcessState st = runner.state();
        return st != ProcessState.FAILED && st != ProcessState.STOPPED && !runner.terminated().isDone();
    }

    /**
     * A report for ps and inspect. Never waits on a process thread that cannot answer: a FAILED
     * process (its thread died), an ended, busy or stuck one, or one that has not answered an
     * earlier question yet are read from what the runner knows without asking its thread (counters
     * as they are, dirty pages -1); a live, idle thread is asked ({@link #askStats}) and waited for
     * at most {@link #STATS_WAIT_MS}, else read the same way.
     */
    ProcessInfo info(String nodeId) throws InterruptedException {
        String doing = runner.busyWith();
        long busyNs = doing == null ? 0 : runner.clock().nanoTime() - runner.busySinceNs();
        boolean busy = doing != null && busyNs > BUSY_AFTER_NS;
        ProcessStats s = null;
        if (!busy && !closing && threadCanAnswer()) {
            askStats();
            CompletableFuture<ProcessStats> asked;
            long waitedNs;
            synchronized (this) {
                asked = pendingStats;
                waitedNs = System.nanoTime() - pendingSinceNs;
            }
            // Waits out what is left of the question's bound: one asked by an earlier listing and
            // still unanswered is not waited for again.
            long leftMs = STATS_WAIT_MS - TimeUnit.NANOSECONDS.toMillis(waitedNs);
            if (asked != null) {
                try {
                    s = leftMs > 0 ? asked.get(leftMs, TimeUnit.MILLISECONDS) : asked.getNow(null);
                } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
                    s = null;
                }
            }
        }
        if (s == null) {
            s = new ProcessStats(runner.state(), memory.allocatedPages(), -1, memory.allocatedBytes(),
                    runner.commandsServed(), runner.commandsFailed(), runner.queuedCommands());
        }
        String state = s.state().name();
        String detail = "";
        if (abandoned()) {
            state = "STUCK";
            detail = abandonedDetail + (doing == null ? "" : "; still in " + doing + " for " + millis(busyNs));
        } else if (s.state() == ProcessState.FAILED) {
            detail = runner.failureReason();
        } else if (busy) {
            state = "BUSY";
            detail = "in " + doing + " for " + millis(busyNs);
        } else {
            detail = runningDetail(runner.statusLine(), runner.parkedBatches());
        }
        String bundle = spec.sample().isEmpty() ? spec.bundleHash() : "sample:" + spec.sample();
        String cls = runner.process().getClass().getName();
        return new ProcessInfo(runner.id().toString(), spec.name(), nodeId, state, runner.epoch(), dataHost,
                endpoint.port(), front, bundle, cls, s.allocatedPages(), s.dirtyPages(), s.memoryBytes(), s.commandsServed(),
                s.queuedCommands(), detail);
    }

    private static String millis(long ns) {
        return TimeUnit.NANOSECONDS.toMillis(ns) + " ms";
    }

    /**
     * Stops the process within the stop deadline and closes its endpoint; frees its memory if
     * its thread ended, else abandons it (see the class comment). Every step runs even when one
     * fails; failures are logged and thrown together. A second call returns the first's report.
     */
    StopReply close() throws InterruptedException {
        boolean first;
        synchronized (this) {
            first = !closing;
            closing = true;
        }
        if (!first) {
            try {
                return closed.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("closing process " + spec.name() + " failed", e.getCause());
            }
        }
        CloseAll all = new CloseAll();
        try {
            all.run(this::closeRespTls);
            all.run(endpoint::close);
            String doing = runner.busyWith();
            boolean ended = false;
            try {
                ended = runner.stop(stopDeadline);
            } catch (InterruptedException | RuntimeException e) {
                all.record(e);
            }
            StopReply reply;
            if (ended) {
                all.run(memory::close);
                reply = new StopReply(true, "");
            } else {
                doing = runner.busyWith() != null ? runner.busyWith() : doing;
                abandonedDetail = "did not stop within " + stopDeadline.toMillis() + " ms"
                        + (doing == null ? "" : " (in " + doing + ")") + "; abandoned: thread left interrupted, "
                        + memory.allocatedBytes() + " bytes of memory kept until it ends";
                reply = new StopReply(false, abandonedDetail);
                runner.terminated().thenRun(this::onAbandonedThreadEnded);
            }
            closed.complete(reply);
            if (all.failure() instanceof InterruptedException ie) {
                throw ie;
            }
            all.throwIfFailed("closing process " + spec.name());
            return reply;
        } catch (RuntimeException | Error e) {
            closed.completeExceptionally(e);
            throw e;
        } finally {
            // Whatever went wrong, a second caller must not wait for a report that never comes.
            closed.complete(new StopReply(false, "closing failed"));
        }
    }

    private void onAbandonedThreadEnded() {
        long bytes = memory.allocatedBytes();
        try {
            memory.close();
            LOG.log(System.Logger.Level.INFO, "abandoned process " + spec.name() + " (" + runner.id() + ") ended at last; freed "
                    + bytes + " bytes");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "freeing the memory of abandoned process " + spec.name() + ": " + e);
        }
    }
}
