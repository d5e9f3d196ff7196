package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link CaravanProcess} on its own thread: the single writer of the process's memory
 * and object state. It is a platform (kernel) thread, not a virtual one: virtual threads are not
 * preempted, so a handler that loops without blocking would pin a carrier thread, and as many
 * such handlers as cores would starve every virtual thread of the node — other processes'
 * connections, the control port, the naming lease's renewals. On a platform thread a spinning
 * handler costs CPU time, shared fairly by the OS, and nothing else. Other threads talk to it only by posting into its
 * {@link Mailbox}: client command batches via {@link #submit}, runtime tasks via {@link #post}.
 *
 * <p>Blocking commands: a command that answers {@link Reply.Blocked} parks the rest of its batch
 * (the replies so far kept) until a later command makes it ready, its deadline passes or its
 * client goes; see {@link ParkedBatches}. Deadlines are kept by this thread, which waits no
 * longer than until the next one.
 *
 * <p>Threading: every public method is thread-safe. {@link Completion}s and posted tasks run on
 * the process thread and must not block.
 *
 * <p>Observability: {@link #busyWith()} and {@link #busySinceNs()} say what the process thread
 * is doing (a command, a hook, a runtime task) and since when, so that a node can show a
 * process that is busy for long or stuck; {@link #failureReason()} says why a process FAILED;
 * {@link #hookNanos()} and {@link #startHook()} measure the time spent in the process's own
 * lifecycle hooks. All are read from any thread without asking the process thread, which may
 * be the one thing that does not answer.
 */
public final class ProcessRunner implements ProcessContext {
    private static final System.Logger LOG = System.getLogger(ProcessRunner.class.getName());

    /** Receives the replies of a submitted batch, in command order, on the process thread. */
    @FunctionalInterface
    public interface Completion {
        void complete(Reply[] replies);
    }

    private final ProcessId id;
    private final String name;
    private final CaravanProcess process;
    private final PagedMemory memory;
    private final Clock clock;
    private final Map<String, String> config;
    private final Mailbox mailbox;
    private final System.Logger processLog;
    private final AtomicBoolean tickPending = new AtomicBoolean();
    private volatile long epoch;
    private volatile ProcessState state = ProcessState.CREATED;
    private volatile long commandsServed;
    private volatile long commandsFailed;
    private volatile int throttlePercent;
    private volatile CommandTimer commandTimer = CommandTimer.NONE;
    private volatile Pacer pacer = Pacer.NONE;
    private volatile Map<String, String> resourceUris = Map.of();
    private volatile ResourceOpener resourceOpener = uri -> {
        throw dev.caravan.wire.ErrorCode.NOT_SUPPORTED.exception("this runtime cannot open resources");
    };
    private volatile boolean detaching;
    private volatile java.util.function.LongConsumer disconnectListener = sessionId -> { };
    private volatile String busyWith;
    private volatile long busySinceNs;
    private volatile long hookNanos;
    private volatile String failureReason = "";
    private volatile NodeServices nodeServices = NodeServices.NONE;
    private volatile String statusLine = "";
    private volatile boolean recalled;
    private final CompletableFuture<Long> startHook = new CompletableFuture<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private Thread thread;
    private boolean stepped;
    private IoAgent agent;
    /** Mailbox items handled since the agent last looked at its I/O (process thread only). */
    private int sinceIo;
    private final ParkedBatches parked = new ParkedBatches(this::retryParked, this::execute);

    /**
     * Told on the process thread after every client batch (its replies already handed on), to hold
     * the thread back there — between requests, never inside one — while the process is over a
     * quota (a CPU-time share). Must return promptly once it stops holding; it may park.
     */
    @FunctionalInterface
    public interface Pacer {
        /** Holds nothing. */
        Pacer NONE = () -> { };

        void betweenBatches();
    }

    /** Opens a resource URI for reading; supplied by the node. */
    @FunctionalInterface
    public interface ResourceOpener {
        java.io.InputStream open(String uri) throws java.io.IOException;
    }

    /**
     * What was queued when the process was handed off, oldest first: a batch of commands from
     * {@code client} with where its replies go, or ({@link #isClientClosed()}: no commands, a
     * null completion) the notice that the client's connection closed, which the destination
     * must get in the same order.
     */
    public record PendingBatch(ClientRef client, Command[] commands, Completion completion) {
        /** Whether this is the notice that {@code client}'s connection closed rather than a batch. */
        public boolean isClientClosed() {
            return completion == null;
        }

        /**
         * Whether this is (the rest of) a batch that was parked on a blocking command: it may wait
         * at the destination as long as its client asked, so no answer deadline applies to it.
         */
        public boolean isParked() {
            return completion instanceof ParkedBatches.Remainder;
        }
    }

    private static final Command[] NO_COMMANDS = new Command[0];
    /** The longest {@link #statusLine(String)} kept. */
    public static final int MAX_STATUS_CHARS = 200;

    /**
     * @param mailboxCapacity commands queued before submitters block
     */
    public ProcessRunner(ProcessId id, String name, long epoch, CaravanProcess process, PagedMemory memory,
                         Clock clock, Map<String, String> config, int mailboxCapacity) {
        this.id = id;
        this.name = name;
        this.epoch = epoch;
        this.process = process;
        this.memory = memory;
        this.clock = clock;
        this.config = Map.copyOf(config);
        this.mailbox = new Mailbox(mailboxCapacity);
        this.processLog = System.getLogger("process." + name);
    }

    /**
     * Starts the process thread. A deployed process ({@code arrived} false) runs
     * {@link CaravanProcess#onStart} first and the returned future completes when it has
     * returned (exceptionally if it threw). A process that arrived with its memory and object
     * state (migration, clone, restore; {@code arrived} true) is RUNNING at once: the future
     * completes before anything of the process runs, and {@link CaravanProcess#onArrive} is the
     * first thing its thread does, before any command, so that its start-up work is not part of
     * a migration's freeze.
     */
    public synchronized CompletableFuture<Void> start(boolean arrived) {
        if (thread != null || stepped) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + name + " already started");
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        if (arrived) {
            // Running at once, without waiting for the new thread to be scheduled: this is inside a
            // migration's switch-over, and commands simply queue behind onArrive.
            state = ProcessState.RUNNING;
            started.complete(null);
        }
        // Assigned before it runs: the thread compares itself with this field (submitFromProcessThread).
        thread = Thread.ofPlatform().daemon(true).name("process-" + name).unstarted(() -> run(arrived, started));
        thread.start();
        return started;
    }

    /**
     * Lets the process thread serve {@code agent}'s I/O whenever its mailbox is empty (see
     * {@link IoAgent}); call before {@link #start}. The agent learns when the thread leaves.
     */
    public synchronized void attach(IoAgent agent) {
        if (thread != null || stepped || this.agent != null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + name + ": attach an I/O agent once, before start");
        }
        this.agent = agent;
        mailbox.waker(agent::wakeup);
    }

    /**
     * For tests: starts the process without a thread of its own. The caller's thread runs the
     * start hook now and becomes the process thread: it drives every later piece of work with
     * {@link #step()}, one at a time, deterministically (as Agrona's agents are driven by hand).
     */
    public synchronized CompletableFuture<Void> startStepped(boolean arrived) {
        if (thread != null || stepped) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + name + " already started");
        }
        stepped = true;
        CompletableFuture<Void> started = new CompletableFuture<>();
        startOnThisThread(arrived, started);
        return started;
    }

    /**
     * For tests, after {@link #startStepped}: runs the next task or command batch on the calling
     * thread, if there is one; returns whether it ran something. A stop is carried out by the
     * step that takes it.
     */
    public boolean step() {
        if (!stepped) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + name + " runs on its own thread; step() is for stepped runners");
        }
        if (terminated.isDone()) {
            return false;
        }
        Object work = mailbox.poll();
        if (work == null) {
            if (state != ProcessState.RUNNING || !parked.isDue(clock.nowMs())) {
                return false;
            }
            work = DEADLINE;
        }
        try {
            if (!handle(work)) {
                finishStopping();
                failQueued("the process stopped");
                terminated.complete(null);
            }
        } catch (RuntimeException | Error e) {
            fail("thread died in " + busyWith + ": " + e);
            idle();
            failQueued("process " + name + " failed: " + failureReason);
            terminated.complete(null);
        }
        return true;
    }

    /** For tests: {@link #step()} until nothing is left to run; returns how many steps ran. */
    public int runUntilIdle() {
        int n = 0;
        while (step()) {
            n++;
        }
        return n;
    }

    private void run(boolean arrived, CompletableFuture<Void> started) {
        if (!startOnThisThread(arrived, started)) {
            return;
        }
        try {
            while (handle(takeWork())) {
                // The next piece of work.
            }
            finishStopping();
        } catch (InterruptedException e) {
            state = ProcessState.STOPPED;
        } catch (RuntimeException | Error e) {
            fail("thread died in " + busyWith + ": " + e);
            LOG.log(System.Logger.Level.ERROR, "process " + name + " thread died", e);
        } finally {
            idle();
            failQueued(state == ProcessState.FAILED ? "process " + name + " failed: " + failureReason : "the process stopped");
            agentExit();
            terminated.complete(null);
        }
    }

    private void agentExit() {
        if (agent != null) {
            try {
                agent.onProcessThreadExit();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "process " + name + ": its I/O agent failed to take over its connections", e);
            }
        }
    }

    /** Runs the start hook on the calling thread; false (and the process FAILED) if it threw. */
    private boolean startOnThisThread(boolean arrived, CompletableFuture<Void> started) {
        try {
            runStartHook(arrived, started);
            return true;
        } catch (RuntimeException | Error e) {
            fail((arrived ? "onArrive" : "onStart") + " threw " + e);
            LOG.log(System.Logger.Level.ERROR, "process " + name + " failed to start", e);
            started.completeExceptionally(e);
            startHook.completeExceptionally(e);
            failQueued("process " + name + " failed: " + failureReason);
            agentExit();
            terminated.complete(null);
            return false;
        }
    }

    /**
     * The next mailbox work. While a parked batch has a deadline, waits no longer than until it
     * passes (then {@link #DEADLINE}), and never longer than a second, in case the clock jumps.
     */
    private Object takeWork() throws InterruptedException {
        if (agent != null) {
            return takeWorkServingIo(agent);
        }
        long deadlineMs = state == ProcessState.RUNNING ? parked.nextDeadlineMs() : 0;
        if (deadlineMs == 0) {
            return mailbox.take();
        }
        // redis-server times a client out once its clock is past the deadline: one more millisecond.
        long waitMs = Math.max(0, Math.min(deadlineMs - clock.nowMs(), 1000) + 1);
        Object work = mailbox.take(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(waitMs));
        return work != null ? work : DEADLINE;
    }

    /**
     * {@link #takeWork} with an {@link IoAgent}: the agent's I/O is served while the mailbox is
     * empty (no longer than until a parked batch's deadline), and looked at between mailbox items
     * so that a busy mailbox cannot starve clients.
     */
    private Object takeWorkServingIo(IoAgent a) throws InterruptedException {
        if (++sinceIo >= 8) {
            sinceIo = 0;
            a.doWork(0);
        }
        while (true) {
            Object work = mailbox.pollOrSleep();
            if (work != null) {
                return work;
            }
            long deadlineMs = state == ProcessState.RUNNING ? parked.nextDeadlineMs() : 0;
            long waitMs = Long.MAX_VALUE;
            if (deadlineMs != 0) {
                long leftMs = deadlineMs - clock.nowMs();
                if (leftMs < 0) {
                    mailbox.awake();
                    return DEADLINE;
                }
                // redis-server times a client out once its clock is past the deadline: one more millisecond.
                waitMs = Math.min(leftMs, 1000) + 1;
            }
            sinceIo = 0;
            try {
                a.doWork(waitMs);
            } finally {
                mailbox.awake();
            }
            if (Thread.interrupted()) {
                throw new InterruptedException("process thread interrupted while serving I/O");
            }
        }
    }

    /** One piece of work from the mailbox; false when it was the stop. */
    private boolean handle(Object work) {
        if (work instanceof Mailbox.Batch b) {
            execute(b);
        } else if (work == STOP) {
            return false;
        } else {
            busy("runtime task");
            ((Runnable) work).run();
            idle();
            if (!parked.isEmpty()) {
                // A task may have changed what a parked command waits for.
                serveParked(work != DEADLINE);
            }
        }
        return true;
    }

    /**
     * After a batch or a task, while the process runs (a frozen one changes nothing): times out
     * the parked commands past their deadline (first, as redis-server does before it reads more
     * commands), asks again for the others if {@code retry}, and continues the batches they
     * belong to.
     */
    private void serveParked(boolean retry) {
        if (state != ProcessState.RUNNING) {
            return;
        }
        parked.expire(clock.nowMs());
        if (retry) {
            parked.retry();
        }
        parked.continueReady();
    }

    /** {@link CaravanProcess#onRetry} for a parked command, with the errors {@link #execute} gives a command. */
    private Reply retryParked(ClientRef client, Command command) {
        busyWith = command.name();
        try {
            return process.onRetry(client, command);
        } catch (CaravanException e) {
            commandsFailed++;
            return Reply.error("ERR " + e.getMessage());
        } catch (RuntimeException e) {
            commandsFailed++;
            LOG.log(System.Logger.Level.ERROR, "process " + name + " failed on " + command.name(), e);
            return Reply.error("ERR internal error in process: " + e);
        }
    }

    /**
     * The client of session {@code sessionId} is gone: its parked batches are dropped (answered
     * with an error nobody reads), as redis-server unblocks a client that disconnects, so that
     * nothing is popped for it any more. Process thread only.
     */
    private void dropParked(long sessionId) {
        if (sessionId != 0 && !parked.isEmpty()) {
            parked.drop(sessionId, Reply.error("ERR the client's connection closed while it was blocked"));
        }
    }

    private void finishStopping() {
        if (!detaching) {
            timedHook("onStop", process::onStop);
        }
        if (state != ProcessState.FAILED) {
            state = ProcessState.STOPPED;
        }
    }

    private void runStartHook(boolean arrived, CompletableFuture<Void> started) {
        long ns;
        if (arrived) {
            state = ProcessState.RUNNING;
            started.complete(null); // already done by start(true); a stepped start completes it here
            ns = timedHook("onArrive", () -> process.onArrive(this));
        } else {
            ns = timedHook("onStart", () -> process.onStart(this, false));
            state = ProcessState.RUNNING;
            started.complete(null);
        }
        startHook.complete(ns);
    }

    /** Runs one of the process's lifecycle hooks, counting its time in {@link #hookNanos}; returns that time. */
    private long timedHook(String hook, Runnable body) {
        long start = busy(hook);
        long ns = 0;
        try {
            body.run();
        } finally {
            ns = clock.nanoTime() - start;
            hookNanos += ns;
            idle();
        }
        return ns;
    }

    private long busy(String what) {
        long now = clock.nanoTime();
        busySinceNs = now;
        busyWith = what;
        return now;
    }

    private void idle() {
        busyWith = null;
    }

    private void fail(String reason) {
        failureReason = reason;
        state = ProcessState.FAILED;
    }

    private static final Runnable STOP = () -> { };
    /** Not in the mailbox: what the process thread does when a parked batch's deadline passes. */
    private static final Runnable DEADLINE = () -> { };

    private void execute(Mailbox.Batch b) {
        if (b.isClientClosed()) {
            busy("onClientClosed");
            try {
                dropParked(b.client().sessionId());
                process.onClientClosed(b.client().sessionId());
            } catch (RuntimeException e) {
                // A bug in dropping one client's state is not worth the process.
                LOG.log(System.Logger.Level.ERROR, "process " + name + " failed in onClientClosed", e);
            } finally {
                idle();
            }
            return;
        }
        ClientRef client = b.client();
        boolean timed = throttlePercent > 0;
        Command[] commands = b.commands();
        long startNs = busy(commands.length == 0 ? "an empty batch" : commands[0].name());
        CommandTimer timer = commandTimer;
        long commandStartNs = startNs;
        Reply[] replies = new Reply[commands.length];
        for (int i = 0; i < commands.length; i++) {
            if (i > 0 && replies[i - 1] instanceof Reply.Closing) {
                // As redis-server: nothing the client pipelined behind a close-after-reply (QUIT) runs.
                java.util.Arrays.fill(replies, i, commands.length, Reply.SUPPRESSED);
                break;
            }
            try {
                if (i > 0) {
                    busyWith = commands[i].name();
                }
                replies[i] = process.onCommand(client, commands[i]);
            } catch (CaravanException e) {
                commandsFailed++;
                replies[i] = Reply.error("ERR " + e.getMessage());
            } catch (RuntimeException e) {
                commandsFailed++;
                LOG.log(System.Logger.Level.ERROR, "process " + name + " failed on " + commands[i].name(), e);
                replies[i] = Reply.error("ERR internal error in process: " + e);
            } catch (Error e) {
                // The thread dies of it (run() marks the process FAILED), but this batch's caller still gets an answer.
                java.util.Arrays.fill(replies, i, commands.length, Reply.error("ERR process " + name + " failed in "
                        + commands[i].name() + ": " + e));
                b.completion().complete(replies);
                throw e;
            }
            long doneNs = clock.nanoTime();
            timer.onCommandDone(doneNs - commandStartNs);
            commandStartNs = doneNs;
            if (replies[i] instanceof Reply.Blocked blocked) {
                commandsServed += i + 1;
                idle();
                parked.park(client, commands, i, replies, b.completion(), blocked);
                serveParked(false);
                return;
            }
            if (!parked.isEmpty() && !process.isReadOnly(commands[i])) {
                // redis-server serves the clients a command unblocked right after it.
                parked.retry();
            }
        }
        commandsServed += commands.length;
        idle();
        b.completion().complete(replies);
        if (!parked.isEmpty()) {
            serveParked(false);
        }
        int throttle = throttlePercent;
        // Not timed when the throttle was switched on during this batch: slowing down starts with the next one.
        if (throttle > 0 && timed) {
            // Auto-converge: run only (100 - throttle)% of the time, so fewer pages are dirtied per round.
            long busyNs = Math.max(1_000, clock.nanoTime() - startNs);
            java.util.concurrent.locks.LockSupport.parkNanos(busyNs * throttle / Math.max(1, 100 - throttle));
        }
        pacer.betweenBatches();
    }

    private void failQueued(String why) {
        for (Mailbox.Batch b : mailbox.closeAndDrain()) {
            if (b.isClientClosed()) {
                continue;
            }
            Reply[] replies = new Reply[b.commands().length];
            java.util.Arrays.fill(replies, Reply.error("ERR " + why));
            b.completion().complete(replies);
        }
        if (!detaching) {
            parked.failAll(Reply.error("ERR " + why));
        }
    }

    /**
     * Queues a batch of commands sent by {@code client}; blocks while the mailbox is full. The
     * process sees each command through {@link CaravanProcess#onCommand(ClientRef, Command)};
     * the control replies it may return ({@link Reply.Suppressed}, {@link Reply.Closing}) reach
     * {@code completion} unchanged, for the endpoint to carry out.
     *
     * @throws CaravanException {@link ErrorCode#PROCESS_FAILED} (with the reason) when the process
     *                          has failed, {@link ErrorCode#NOT_HERE} once the process has stopped here
     */
    public void submit(ClientRef client, Command[] commands, Completion completion) throws InterruptedException {
        requireNotFailed();
        mailbox.putBatch(new Mailbox.Batch(client, commands, completion));
    }

    /** {@link #submit(ClientRef, Command[], Completion)} without a session ({@link ClientRef#NONE}). */
    public void submit(Command[] commands, Completion completion) throws InterruptedException {
        submit(ClientRef.NONE, commands, completion);
    }

    /**
     * The client connection of session {@code sessionId} is gone: queues
     * {@link CaravanProcess#onClientClosed} on the process thread, behind the batches already
     * queued (so that they still run in that session), without blocking. Ignored for session 0.
     *
     * @return false when the mailbox no longer takes work (the process stopped or was handed
     *         off): the notice was dropped, and whoever holds the session now must be told instead
     */
    public boolean clientClosed(long sessionId) {
        if (sessionId == 0) {
            return true;
        }
        return mailbox.putNotice(new Mailbox.Batch(new ClientRef(sessionId, "", ""), NO_COMMANDS, null));
    }

    /**
     * Sets who carries out {@link #disconnectClient}: the node's data endpoint, which holds the
     * client connections. Called with the session id on the process thread; must not block.
     */
    public void disconnectListener(java.util.function.LongConsumer listener) {
        this.disconnectListener = java.util.Objects.requireNonNull(listener);
    }

    /**
     * For an {@link IoAgent} on the process thread: runs the batch at once, ahead of queued
     * batches from other threads, when the process takes commands now (not frozen for a
     * migration, no runtime task waiting); otherwise queues it as {@link #submit} does, without
     * ever blocking (the agent holds one batch per connection: a bound of its own). Its replies
     * then come later, on whichever thread completes it (the process thread, or a migration's
     * hand-off that forwards it). Called on another thread, it is {@link #submit}.
     *
     * @throws CaravanException as {@link #submit}
     */
    public void submitFromProcessThread(ClientRef client, Command[] commands, Completion completion) throws InterruptedException {
        if (Thread.currentThread() != thread) {
            submit(client, commands, completion);
            return;
        }
        requireNotFailed();
        Mailbox.Batch b = new Mailbox.Batch(client, commands, completion);
        if (state == ProcessState.RUNNING && mailbox.takesBatchesNow()) {
            execute(b);
        } else {
            mailbox.putBatchNoWait(b);
        }
    }

    /**
     * Refuses at once when the process has failed, so that nobody waits on a process that will
     * never answer.
     *
     * @throws CaravanException {@link ErrorCode#PROCESS_FAILED} with the reason
     */
    public void requireNotFailed() {
        if (state == ProcessState.FAILED) {
            throw ErrorCode.PROCESS_FAILED.exception("process " + name + " has failed: " + failureReason);
        }
    }

    /** Submits one command and returns its reply's future. */
    public CompletableFuture<Reply> submit(Command command) throws InterruptedException {
        CompletableFuture<Reply> f = new CompletableFuture<>();
        submit(new Command[] {command}, r -> f.complete(r[0]));
        return f;
    }

    /** Runs {@code task} on the process thread, even while suspended. */
    public void post(Runnable task) {
        mailbox.putTask(task);
    }

    /** Posts one {@link CaravanProcess#onTick} unless one is already waiting. */
    public void tick() {
        if (tickPending.compareAndSet(false, true)) {
            post(() -> {
                tickPending.set(false);
                busy("onTick");
                process.onTick(clock.nowMs());
            });
        }
    }

    /**
     * Freezes the process at a request boundary: queued commands stay queued. The future
     * completes on the process thread once no command is running.
     */
    public CompletableFuture<Void> suspend() {
        mailbox.gate(true);
        CompletableFuture<Void> quiet = new CompletableFuture<>();
        post(() -> {
            if (state == ProcessState.RUNNING) {
                state = ProcessState.SUSPENDED;
            }
            quiet.complete(null);
        });
        return quiet;
    }

    /** Lets a suspended process take commands again. */
    public void resume() {
        post(() -> {
            if (state == ProcessState.SUSPENDED) {
                state = ProcessState.RUNNING;
            }
        });
        mailbox.gate(false);
    }

    /**
     * Stops the process after the work already taken; queued commands are answered with an
     * error. Waits at most {@code deadline}: half of it for the process to finish what it is
     * doing and run {@link CaravanProcess#onStop}, then interrupts its thread and waits the
     * rest. Returns whether the thread has ended; if not, the thread is left running
     * (interrupted) and the caller decides what to do with what it may still touch (its memory).
     */
    public boolean stop(Duration deadline) throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null && stepped) {
            // The test's thread is the process thread: the stop happens at its next step.
            post(STOP);
            return true;
        }
        if (t == null) {
            state = ProcessState.STOPPED;
            failQueued("the process stopped");
            terminated.complete(null);
            return true;
        }
        // Not ungated: STOP is a task, taken before any queued batch, which then gets an error.
        post(STOP);
        Duration polite = deadline.dividedBy(2);
        if (t.join(polite)) {
            return true;
        }
        t.interrupt();
        return t.join(deadline.minus(polite));
    }

    /** Completes when the process thread has ended (at once for a runner stopped before it started). */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /** What the process thread is doing now: a command's name, a hook ("onStart", "onTick", ...), or null when idle. */
    public String busyWith() {
        return busyWith;
    }

    /** The {@link Clock#nanoTime()} at which the work in progress (a command batch, a hook, a task) began. */
    public long busySinceNs() {
        return busySinceNs;
    }

    /** Why the process FAILED ("" unless it has). */
    public String failureReason() {
        return failureReason;
    }

    /** Nanoseconds spent so far in the process's own lifecycle hooks (onStart, onArrive, onStop), per the clock. */
    public long hookNanos() {
        return hookNanos;
    }

    /**
     * Completes with the nanoseconds the start hook took ({@link CaravanProcess#onStart} for a
     * deployed process, {@link CaravanProcess#onArrive} for one that arrived) once it has
     * returned; exceptionally if it threw. For migration reports: an arrival's hook runs after
     * the freeze, and this says how long its commands waited behind it.
     */
    public CompletableFuture<Long> startHook() {
        return startHook;
    }

    /**
     * Runs {@code action} on the process thread (even while suspended) and returns its result.
     * The way other threads read or change process state without breaking the single-writer rule.
     */
    public <T> CompletableFuture<T> onProcessThread(java.util.function.Supplier<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        post(() -> {
            try {
                f.complete(action.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /**
     * Hands the process off after migration: closes the mailbox, ends the process thread
     * without {@link CaravanProcess#onStop} (the process lives on elsewhere), and returns the
     * commands still queued and the notices of closed clients among them, oldest first, for the
     * caller to forward, after the batches parked on a blocking command ({@link PendingBatch#isParked()}),
     * the longest-waiting first; a parked command runs anew at the destination, so a BLPOP's
     * timeout starts again there. Call while suspended.
     */
    public List<PendingBatch> handOff() throws InterruptedException {
        List<PendingBatch> pending = new java.util.ArrayList<>();
        for (Mailbox.Batch b : mailbox.closeAndDrain()) {
            pending.add(new PendingBatch(b.client(), b.commands(), b.completion()));
        }
        detaching = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        post(STOP);
        if (t != null) {
            t.join();
        }
        // The thread has ended (or, stepped, is the caller's): the parked batches can be read here.
        for (PendingBatch b : pending) {
            if (b.isClientClosed()) {
                dropParked(b.client().sessionId());
            }
        }
        pending.addAll(0, parked.handOff());
        return pending;
    }

    /** Slows the process to {@code percent}% idle time per command batch (0 = full speed). */
    public void throttlePercent(int percent) {
        this.throttlePercent = Math.max(0, Math.min(99, percent));
    }

    public int throttlePercent() {
        return throttlePercent;
    }

    /**
     * Installs what is told each command's service time ({@link CommandTimer#NONE} to stop);
     * takes effect from the next batch. Any thread.
     */
    public void commandTimer(CommandTimer timer) {
        this.commandTimer = java.util.Objects.requireNonNull(timer, "timer");
    }

    /** Installs the {@link Pacer} told after every client batch ({@link Pacer#NONE} to remove); any thread. */
    public void pacer(Pacer pacer) {
        this.pacer = java.util.Objects.requireNonNull(pacer, "pacer");
    }

    /**
     * The process thread's id ({@link Thread#threadId()}), for reading its CPU time with
     * {@link java.lang.management.ThreadMXBean#getThreadCpuTime}; -1 before it starts or when stepped.
     */
    public synchronized long threadId() {
        return thread == null ? -1 : thread.threadId();
    }

    /** Whether the process thread is still alive (false before start, when stepped, and once it ended). */
    public synchronized boolean threadAlive() {
        return thread != null && thread.isAlive();
    }

    /**
     * Lowers the process thread to {@link Thread#MIN_PRIORITY}: for a thread left running after its
     * process was stopped (Java cannot kill a thread). Advisory: the JVM maps priorities to the OS's
     * only where it may (on Linux, not without privileges), so this is no guarantee of anything.
     */
    public synchronized void demote() {
        if (thread != null) {
            thread.setPriority(Thread.MIN_PRIORITY);
        }
    }

    /** Commands waiting in the mailbox. */
    public int queuedCommands() {
        return mailbox.queuedCommands();
    }

    /** Client batches parked on a blocking command (a BLPOP on empty lists), read from any thread. */
    public int parkedBatches() {
        return parked.size();
    }

    public long commandsServed() {
        return commandsServed;
    }

    public long commandsFailed() {
        return commandsFailed;
    }

    public ProcessState state() {
        return state;
    }

    /** Marks the process failed (for example when its node lost ownership of it). */
    public void markFailed() {
        markFailed("marked failed by its node");
    }

    /** Marks the process failed, with the reason that callers will be told. */
    public void markFailed(String reason) {
        fail(reason);
    }

    public CaravanProcess process() {
        return process;
    }

    public void epoch(long epoch) {
        this.epoch = epoch;
    }

    // ProcessContext, for the process's own thread.

    @Override
    public ProcessId id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public PagedMemory memory() {
        return memory;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Map<String, String> config() {
        return config;
    }

    /** Binds declared resources to their current URIs; call before start or from the process thread. */
    public void bindResources(Map<String, String> uris, ResourceOpener opener) {
        this.resourceUris = Map.copyOf(uris);
        this.resourceOpener = opener;
    }

    /** The current URI of every declared resource. */
    public Map<String, String> resourceUris() {
        return resourceUris;
    }

    @Override
    public String resource(String name) {
        String uri = resourceUris.get(name);
        if (uri == null) {
            throw dev.caravan.wire.ErrorCode.NOT_FOUND.exception("process " + this.name + " declared no resource '" + name + "'");
        }
        return uri;
    }

    @Override
    public java.io.InputStream openResource(String name) throws java.io.IOException {
        return resourceOpener.open(resource(name));
    }

    @Override
    public void disconnectClient(long sessionId) {
        if (sessionId != 0) {
            disconnectListener.accept(sessionId);
        }
    }

    @Override
    public boolean frozen() {
        return state == ProcessState.SUSPENDED;
    }

    @Override
    public System.Logger log() {
        return processLog;
    }

    /** Installs what the hosting node lends the process (see {@link NodeServices}); call before start. */
    public void nodeServices(NodeServices services) {
        this.nodeServices = java.util.Objects.requireNonNull(services, "services");
    }

    @Override
    public String nodeId() {
        return nodeServices.nodeId();
    }

    @Override
    public CompletableFuture<Void> requestMigration(String targetNode, String cloneName) {
        return nodeServices.requestMigration(this, targetNode, cloneName);
    }

    @Override
    public CompletableFuture<Void> stopSelf(String reason) {
        return nodeServices.stopSelf(this, reason);
    }

    @Override
    public List<LocalProcess> localProcesses() {
        return nodeServices.localProcesses();
    }

    @Override
    public CompletableFuture<Reply> callLocal(String name, Command command) {
        if (name.equals(this.name)) {
            return CompletableFuture.failedFuture(ErrorCode.INVALID_ARGUMENT.exception(
                    "process " + name + " cannot call itself: it would wait on its own thread"));
        }
        return nodeServices.callLocal(this.name, name, command);
    }

    /** The process's own status line ("" if none), read from any thread. */
    public String statusLine() {
        return statusLine;
    }

    @Override
    public void statusLine(String line) {
        String l = line == null ? "" : line.replace('\n', ' ').replace('\r', ' ');
        statusLine = l.length() > MAX_STATUS_CHARS ? l.substring(0, MAX_STATUS_CHARS) : l;
    }

    /** Asks the process to come home ({@link #recalled()}); any thread. */
    public void recall() {
        recalled = true;
    }

    @Override
    public boolean recalled() {
        return recalled;
    }

    /** A consistent reading of the process's counters, taken on its own thread. */
    public CompletableFuture<ProcessStats> stats() {
        CompletableFuture<ProcessStats> f = new CompletableFuture<>();
        post(() -> f.complete(new ProcessStats(state, memory.allocatedPages(), memory.dirtyPageCount(),
                memory.allocatedBytes(), commandsServed, commandsFailed, mailbox.queuedCommands())));
        return f;
    }
}
