package dev.caravan.mobility.runtime;

import dev.caravan.core.mobility.CloneResult;
import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.mobility.continuation.ContinuationFormat;
import dev.caravan.mobility.continuation.DeclaredCodecs;
import dev.caravan.mobility.continuation.JavaflowStacks;
import dev.caravan.mobility.continuation.ProcessFields;
import dev.caravan.mobility.continuation.Suspension;
import dev.caravan.mobility.continuation.ValueCodec;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.apache.commons.javaflow.api.Continuation;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a {@link LoopProcess} as an ordinary {@link CaravanProcess} whose object state is the
 * loop's continuation: every migration mode, clone and checkpoint carries the loop's stack and
 * locals with no change to the migration engine.
 *
 * <pre>
 * hook                  what the loop sees
 * ────────────────────  ───────────────────────────────────────────────────────────────────────
 * onStart               run(ctx) starts and runs to its first suspension point
 * onCommand             at receive(): resumed with the Request; the reply it gave is returned
 *                       elsewhere (sleep/moveTo/cloneTo): the command answers Blocked and waits,
 *                       parked by the runtime, until the loop is at receive() again
 * onTick / onRetry      a sleep whose time has come, or the outcome of a moveTo/cloneTo, resumes it
 * writeState/readState  the continuation ({@link ContinuationFormat})
 * onArrive              after a move: moveTo returns moved; in a clone: cloneTo returns isClone
 * </pre>
 * The loop is never resumed while the process is {@link ProcessContext#frozen() frozen} for a
 * migration: ticks and runtime tasks still run then, so a sleep or a move's outcome waits for the
 * next tick or command after the freeze. Commands that arrive while the loop is not at
 * {@code receive()} are parked by the runtime ({@link Reply.Blocked}), and parked commands travel
 * with a migration and run anew at the destination: none is lost, and none reaches the loop twice.
 *
 * <p>{@code PING} is answered by the runtime itself, as Redis answers it, and never resumes the loop:
 * probes such as the dashboard's ping every process they watch, and a loop must not see commands
 * no client of its own sent.
 *
 * <p>A request the loop leaves unanswered when it next suspends is answered with an error then,
 * and a later reply to it is refused. When the loop returns, the process asks its node to stop it
 * ({@link ProcessContext#stopSelf}, as {@code caravan stop} would: unregistered, gone from the
 * node's list) and answers every command that arrives meanwhile with an error saying so; outside a
 * node, or where the node refuses, it stays, answering that error. A continuation that had
 * returned (a checkpoint, a move) asks again where it lands. When the loop throws,
 * the process FAILS ({@link LoopFailedError}).
 *
 * <p>Threading: like every {@link CaravanProcess}, all hooks on the process thread; the outcome of
 * a {@code requestMigration} arrives on a node thread and is only recorded there.
 */
public final class LoopProcessHost implements CaravanProcess {
    /** The outcome of a self-requested migration, from the node thread that completed it. */
    private record Outcome(boolean done, String reason) {
    }

    private final LoopProcess process;
    private final String bundleHash;
    private final String codeHash;
    private final DeclaredCodecs codecs = new DeclaredCodecs();
    private final HostLoopContext loopContext = new HostLoopContext(this);
    private final LoopRun entry;
    private final ValueCodec values;
    private final AtomicReference<Outcome> outcome = new AtomicReference<>();
    private ProcessContext context;
    private Continuation continuation;
    /** Where the loop waits; null before it started and once it returned. */
    private Suspension suspension;
    private boolean ended;
    /** Why the node did not stop the process after its loop returned (node thread); null while it may. */
    private volatile String stopRefused;
    private long nextRequestId = 1;
    private Request awaiting;
    private Reply answer;

    /**
     * @param process    the loop, a fresh instance of its (enhanced) class
     * @param bundleHash the hash of the bundle it came from, written into its continuation ("" for a sample)
     */
    public LoopProcessHost(LoopProcess process, String bundleHash) {
        this(process, bundleHash, "");
    }

    /**
     * @param process    the loop, a fresh instance of its (enhanced) class
     * @param bundleHash the hash of the bundle it came from, written into its continuation ("" for a sample)
     * @param codeHash   the hash of that bundle's suspending methods ({@code EnhancedBundle.loopCodeHash()};
     *                   "" unknown): a suspended continuation from another bundle is resumed only when it matches
     */
    public LoopProcessHost(LoopProcess process, String bundleHash, String codeHash) {
        this.process = java.util.Objects.requireNonNull(process, "process");
        this.bundleHash = java.util.Objects.requireNonNull(bundleHash, "bundleHash");
        this.codeHash = java.util.Objects.requireNonNull(codeHash, "codeHash");
        this.entry = new LoopRun(process, loopContext);
        process.codecs(codecs);
        this.values = new ValueCodec(codecs, process.getClass().getClassLoader(), process, loopContext, entry);
    }

    /** The loop this host runs. */
    public LoopProcess loop() {
        return process;
    }

    /** The codecs the loop declared. */
    public DeclaredCodecs codecs() {
        return codecs;
    }

    /** Where the loop is suspended now (null before it started and once it returned); process thread. */
    public Suspension suspension() {
        return suspension;
    }

    /** Whether the loop has returned. */
    public boolean ended() {
        return ended;
    }

    ProcessContext context() {
        return context;
    }

    @Override
    public void onStart(ProcessContext ctx, boolean restored) {
        this.context = ctx;
        if (continuation == null && !ended) {
            Continuation first;
            try {
                first = Continuation.startWith(entry);
            } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
                throw loopThrew(e);
            }
            afterResume(first);
        } else if (ended) {
            askToStop();
        }
    }

    @Override
    public void onArrive(ProcessContext ctx) {
        this.context = ctx;
        if (continuation == null && !ended) {
            // Arrived without a continuation (no object state): start afresh, as a deploy would.
            onStart(ctx, true);
            return;
        }
        if (ended) {
            askToStop();
            return;
        }
        switch (suspension) {
            case Suspension.Move m -> resume(m.target().equals(ctx.nodeId()) || ctx.nodeId().isEmpty()
                    ? new MoveResult(true, ctx.nodeId(), "")
                    : new MoveResult(false, ctx.nodeId(), "the process was moved to " + ctx.nodeId() + " or restored instead"));
            case Suspension.Clone c -> resume(c.cloneName().equals(ctx.name())
                    ? new CloneResult(true, true, c.cloneName(), "")
                    : new CloneResult(false, false, c.cloneName(), "the process was moved or restored while the clone was being made"));
            case null, default -> resumeIfDue();
        }
    }

    @Override
    public Reply onCommand(Command command) {
        return onCommand(ClientRef.NONE, command);
    }

    @Override
    public Reply onCommand(ClientRef client, Command command) {
        Reply ping = ping(command);
        if (ping != null) {
            return ping;
        }
        resumeIfDue();
        if (ended) {
            return Reply.error("ERR the loop of process " + context.name() + " has returned; it takes no more commands"
                    + (stopRefused == null ? " (its node is stopping it)" : " (caravan stop removes it)"));
        }
        if (!(suspension instanceof Suspension.Receive)) {
            // Parked by the runtime until the loop is at receive() again (asked again after each tick).
            return new Reply.Blocked(0, Reply.error("ERR the loop never came back to receive()"));
        }
        Request r = new Request(nextRequestId, client, heapCopy(command));
        nextRequestId++;
        awaiting = r;
        answer = null;
        try {
            resume(r);
        } finally {
            awaiting = null;
        }
        Reply a = answer;
        answer = null;
        if (a == null) {
            return Reply.error("ERR the loop did not answer request " + r.id() + " before "
                    + (ended ? "returning" : "suspending at " + pointName(suspension)));
        }
        return a;
    }

    @Override
    public void onTick(long nowMs) {
        resumeIfDue();
    }

    @Override
    public int stateVersion() {
        return process.stateVersion();
    }

    /** The loop's own answer ({@link LoopProcess#readsStateVersion}), so a newer build can take an older continuation. */
    @Override
    public boolean readsStateVersion(int version) {
        return process.readsStateVersion(version);
    }

    @Override
    public void writeState(BodyWriter out) {
        if (continuation == null && !ended) {
            throw ErrorCode.INTERNAL.exception("the loop of " + process.getClass().getName() + " has not started");
        }
        ContinuationFormat.write(new ContinuationFormat.Image(bundleHash, codeHash, process.stateVersion(), nextRequestId,
                suspension, ProcessFields.read(process), ended ? null : JavaflowStacks.image(continuation)), values, out);
    }

    /**
     * A suspended continuation written by another bundle resumes here only when both bundles' loop
     * code hashes are known and equal: its frames are positions in the suspending methods' bytecode,
     * and resuming them in other bytecode would jump to the wrong call with the wrong locals. An
     * ended loop (no frames) is taken from any bundle.
     *
     * @throws CaravanException UNSUPPORTED_VERSION when this code cannot read {@code version}
     *                          ({@link LoopProcess#readsStateVersion}) or its suspending methods differ
     *                          from the writer's, MALFORMED for a bad continuation
     */
    @Override
    public void readState(int version, BodyReader in) {
        if (!process.readsStateVersion(version)) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception(process.getClass().getName() + " (state version "
                    + process.stateVersion() + ") cannot read a continuation written at state version " + version);
        }
        ContinuationFormat.Image image = ContinuationFormat.read(in, values);
        if (image.stateVersion() != version) {
            throw ErrorCode.MALFORMED.exception("continuation says state version " + image.stateVersion()
                    + ", its stream " + version);
        }
        if (image.suspension() != null && !image.bundleHash().equals(bundleHash)
                && (codeHash.isEmpty() || !codeHash.equals(image.codeHash()))) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception("the loop of " + process.getClass().getName() + " is suspended in the code of"
                    + " bundle " + shortHash(image.bundleHash()) + ", whose suspending methods differ from this bundle's"
                    + " (loop code " + shortHash(image.codeHash()) + " here " + shortHash(codeHash) + "): a new build may change"
                    + " only methods that do not suspend; stop the process and deploy the new build instead");
        }
        ProcessFields.write(process, image.fields());
        nextRequestId = image.nextRequestId();
        suspension = image.suspension();
        ended = suspension == null;
        continuation = ended ? null : JavaflowStacks.rebuild(entry, image.stack());
    }

    /** Called by the loop's {@code ctx.reply}. */
    void onLoopReply(Request request, Reply reply) {
        if (request == null || reply == null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("reply takes a request and a reply, got null");
        }
        if (reply instanceof Reply.Blocked) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a loop cannot answer Blocked: wait with sleep() or receive() instead");
        }
        if (awaiting == null || awaiting.id() != request.id() || answer != null) {
            throw ErrorCode.INVALID_ARGUMENT.exception("request " + request.id() + " was already answered"
                    + " (a request left unanswered at the next suspension point is answered with an error then)");
        }
        answer = reply;
    }

    /** Resumes a loop whose sleep is over or whose migration request has an outcome, unless frozen. */
    private void resumeIfDue() {
        while (!ended && suspension != null && context != null && !context.frozen()) {
            switch (suspension) {
                case Suspension.Sleep s -> {
                    if (context.clock().nowMs() < s.untilMs()) {
                        return;
                    }
                    resume(null);
                }
                case Suspension.Move m -> {
                    MoveResult r = moveOutcome();
                    if (r == null) {
                        return;
                    }
                    resume(r);
                }
                case Suspension.Clone c -> {
                    CloneResult r = cloneOutcome(c);
                    if (r == null) {
                        return;
                    }
                    resume(r);
                }
                case Suspension.Receive r -> {
                    return;
                }
            }
        }
    }

    private MoveResult moveOutcome() {
        Outcome o = outcome.get();
        // A move that committed leaves nothing here to resume: the loop continues at the target.
        if (o == null || o.done()) {
            return null;
        }
        outcome.set(null);
        return new MoveResult(false, context.nodeId(), o.reason());
    }

    private CloneResult cloneOutcome(Suspension.Clone c) {
        Outcome o = outcome.getAndSet(null);
        if (o == null) {
            return null;
        }
        return new CloneResult(false, o.done(), c.cloneName(), o.reason());
    }

    private void resume(Object value) {
        Continuation next;
        try {
            next = continuation.resume(value);
        } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
            throw loopThrew(e);
        }
        afterResume(next);
    }

    private void afterResume(Continuation next) {
        continuation = next;
        if (next == null) {
            suspension = null;
            ended = true;
            context.log().log(System.Logger.Level.INFO, "the loop of process " + context.name() + " returned");
            askToStop();
            return;
        }
        if (!(next.value() instanceof Suspension s)) {
            throw loopThrew(new IllegalStateException("the loop suspended outside its LoopContext (Continuation.suspend called directly)"));
        }
        suspension = s;
        switch (s) {
            case Suspension.Move m -> requestMigration(m.target(), null);
            case Suspension.Clone c -> requestMigration(c.target(), c.cloneName());
            default -> {
                // receive and sleep wait for commands and ticks.
            }
        }
    }

    private void requestMigration(String target, String cloneName) {
        outcome.set(null);
        java.util.concurrent.CompletableFuture<Void> f;
        try {
            f = context.requestMigration(target, cloneName);
        } catch (RuntimeException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> outcome.set(e == null ? new Outcome(true, "") : new Outcome(false, reasonOf(e))));
    }

    /** Returning ends the process: the node stops it off this thread, as {@code caravan stop} would. */
    private void askToStop() {
        stopRefused = null;
        java.util.concurrent.CompletableFuture<Void> f;
        try {
            f = context.stopSelf("its loop returned");
        } catch (RuntimeException e) {
            f = java.util.concurrent.CompletableFuture.failedFuture(e);
        }
        f.whenComplete((v, e) -> {
            if (e != null) {
                stopRefused = reasonOf(e);
                context.log().log(System.Logger.Level.INFO, "the loop of process " + context.name()
                        + " returned and stays until stopped: " + stopRefused);
            }
        });
    }

    private static String reasonOf(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.toString() : m.lines().findFirst().orElse(m);
    }

    private LoopFailedError loopThrew(Throwable e) {
        continuation = null;
        suspension = null;
        ended = true;
        String name = context == null ? process.getClass().getName() : context.name();
        return new LoopFailedError("the loop of process " + name + " threw " + e, e);
    }

    private static String shortHash(String hash) {
        return hash.isEmpty() ? "unknown" : hash.length() <= 12 ? hash : hash.substring(0, 12) + "…";
    }

    private static String pointName(Suspension s) {
        return switch (s) {
            case Suspension.Receive r -> "receive()";
            case Suspension.Sleep sl -> "sleep()";
            case Suspension.Move m -> "moveTo(" + m.target() + ")";
            case Suspension.Clone c -> "cloneTo(" + c.target() + ", " + c.cloneName() + ")";
        };
    }

    /**
     * The runtime's own answer to {@code PING}, as redis-server 7.0 gives it: {@code PING} → {@code +PONG},
     * {@code PING msg} → msg as a bulk string, more arguments → {@code ERR wrong number of arguments for
     * 'ping' command}. Probes (the dashboard's {@code ResponseProbe} pings a process every 100 ms while
     * it migrates or is drawn) must not reach a loop that never asked for them; null for any other
     * command (and for a PING whose message is off-heap, which the loop gets as any large argument).
     */
    static Reply ping(Command command) {
        if (!command.name().equals("PING")) {
            return null;
        }
        return switch (command.size()) {
            case 1 -> new Reply.Simple("PONG");
            case 2 -> command.isOffHeap(1) ? null : new Reply.Bulk(command.arg(1).clone());
            default -> Reply.error("ERR wrong number of arguments for 'ping' command");
        };
    }

    /** The command on the heap, copied: the loop may keep it across suspension points, the runtime reuses its buffers. */
    private static Command heapCopy(Command command) {
        byte[][] args = command.args();
        byte[][] copy = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            copy[i] = args[i].clone();
        }
        return new Command(copy);
    }
}
