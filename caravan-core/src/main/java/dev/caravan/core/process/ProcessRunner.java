package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one {@link CaravanProcess} on its own virtual thread: the single writer of the
 * process's memory and object state. Other threads talk to it only by posting into its
 * {@link Mailbox}: client command batches via {@link #submit}, runtime tasks via {@link #post}.
 *
 * <p>Threading: every public method is thread-safe. {@link Completion}s and posted tasks run on
 * the process thread and must not block.
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
    private Thread thread;

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
     * Starts the process thread; {@code restored} is passed to {@link CaravanProcess#onStart}.
     * The returned future completes when onStart has returned (exceptionally if it threw).
     */
    public synchronized CompletableFuture<Void> start(boolean restored) {
        if (thread != null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("process " + name + " already started");
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        thread = Thread.ofVirtual().name("process-" + name).start(() -> run(restored, started));
        return started;
    }

    private void run(boolean restored, CompletableFuture<Void> started) {
        try {
            process.onStart(this, restored);
            state = ProcessState.RUNNING;
            started.complete(null);
        } catch (RuntimeException e) {
            state = ProcessState.FAILED;
            LOG.log(System.Logger.Level.ERROR, "process " + name + " failed to start", e);
            started.completeExceptionally(e);
            failQueued("the process failed to start: " + e);
            return;
        }
        try {
            while (true) {
                Object work = mailbox.take();
                if (work instanceof Mailbox.Batch b) {
                    execute(b);
                } else if (work == STOP) {
                    break;
                } else {
                    ((Runnable) work).run();
                }
            }
            process.onStop();
            if (state != ProcessState.FAILED) {
                state = ProcessState.STOPPED;
            }
        } catch (InterruptedException e) {
            state = ProcessState.STOPPED;
        } catch (RuntimeException | Error e) {
            state = ProcessState.FAILED;
            LOG.log(System.Logger.Level.ERROR, "process " + name + " thread died", e);
        } finally {
            failQueued("the process stopped");
        }
    }

    private static final Runnable STOP = () -> { };

    private void execute(Mailbox.Batch b) {
        Command[] commands = b.commands();
        Reply[] replies = new Reply[commands.length];
        for (int i = 0; i < commands.length; i++) {
            try {
                replies[i] = process.onCommand(commands[i]);
            } catch (CaravanException e) {
                commandsFailed++;
                replies[i] = Reply.error("ERR " + e.getMessage());
            } catch (RuntimeException e) {
                commandsFailed++;
                LOG.log(System.Logger.Level.ERROR, "process " + name + " failed on " + commands[i].name(), e);
                replies[i] = Reply.error("ERR internal error in process: " + e);
            }
        }
        commandsServed += commands.length;
        b.completion().complete(replies);
    }

    private void failQueued(String why) {
        for (Mailbox.Batch b : mailbox.closeAndDrain()) {
            Reply[] replies = new Reply[b.commands().length];
            java.util.Arrays.fill(replies, Reply.error("ERR " + why));
            b.completion().complete(replies);
        }
    }

    /**
     * Queues a batch of commands; blocks while the mailbox is full.
     *
     * @throws CaravanException {@link ErrorCode#NOT_HERE} once the process has stopped here
     */
    public void submit(Command[] commands, Completion completion) throws InterruptedException {
        mailbox.putBatch(new Mailbox.Batch(commands, completion));
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
     * error. Returns once the process thread has ended (or at once if it never started).
     */
    public void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            state = ProcessState.STOPPED;
            return;
        }
        // Not ungated: STOP is a task, taken before any queued batch, which then gets an error.
        post(STOP);
        t.join();
    }

    /** Commands waiting in the mailbox. */
    public int queuedCommands() {
        return mailbox.queuedCommands();
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
        state = ProcessState.FAILED;
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

    @Override
    public System.Logger log() {
        return processLog;
    }

    /** A consistent reading of the process's counters, taken on its own thread. */
    public CompletableFuture<ProcessStats> stats() {
        CompletableFuture<ProcessStats> f = new CompletableFuture<>();
        post(() -> f.complete(new ProcessStats(state, memory.allocatedPages(), memory.dirtyPageCount(),
                memory.allocatedBytes(), commandsServed, commandsFailed, mailbox.queuedCommands())));
        return f;
    }
}
