package dev.caravan.core.eval;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link RemoteFunction} within its budget. Call {@link #run} on the process's own
 * thread, between commands: the process thread then waits while the function runs on a
 * platform thread of its own, so the process serves nothing else meanwhile and its data holds
 * still — the function runs "on the process's thread" as far as the process can tell.
 *
 * <p>Why another thread: Java cannot stop a thread that does not want to stop ({@code
 * Thread.stop} is gone), so a function run on the process thread that loops would wedge the
 * process for good. Here the process thread watches it, every {@value #WATCH_MS} ms, against
 * its time budget and the heap bytes its thread allocated; when it is over, the process thread
 * {@linkplain EvalGuard#revoke revokes} its access to the data, interrupts it and goes back to
 * serving commands, and the caller gets {@link ErrorCode#BUDGET_EXCEEDED}. A function that has
 * been stopped but keeps running (a loop that neither reads nor checks its budget) costs CPU
 * until it ends; at most {@value #MAX_RUNAWAY} such threads per JVM, then new functions are
 * refused with {@link ErrorCode#OVERLOADED}. A platform thread, not a virtual one: a virtual
 * thread that spins pins its carrier (see {@code ProcessRunner}).
 *
 * <p>Memory: allocation between two watches is not seen until the next watch or the next
 * read, so a function can overshoot its memory budget by what it allocates in
 * {@value #WATCH_MS} ms without reading; its reply counts towards the budget.
 */
public final class FunctionRunner {
    /** Period of the process thread's watch on a running function. */
    static final long WATCH_MS = 2;
    /** How long the process thread waits, after interrupting a function over budget, to see its thread end. */
    static final long END_WAIT_MS = 10;
    /** Stopped functions whose threads have not ended that a JVM tolerates before refusing more. */
    static final int MAX_RUNAWAY = 4;
    private static final AtomicInteger RUNAWAY = new AtomicInteger();

    /** What a function answered and what it cost. */
    public record Outcome(Reply reply, long elapsedNs, long allocatedBytes) {
    }

    private FunctionRunner() {
    }

    /** Functions stopped over budget whose threads have not ended yet, in this JVM. */
    public static int runawayThreads() {
        return RUNAWAY.get();
    }

    /**
     * Loads {@code className} from {@code loader}, instantiates it and applies it to
     * {@code args} beside {@code target}, waiting at most {@code timeBudgetMs}.
     *
     * @throws CaravanException CLASS_LOAD_FAILED when the class is missing, is not a
     *                          {@link RemoteFunction} or cannot be instantiated; BUDGET_EXCEEDED
     *                          when it ran over its time or memory budget: its message says it was cut
     *                          off from the data and interrupted, and whether its thread ended or
     *                          still runs (a function that ignores interruption runs on until it returns);
     *                          OVERLOADED when too many stopped functions still run
     */
    public static Outcome run(EvalTarget target, ClassLoader loader, String className, List<byte[]> args,
                              long timeBudgetMs, long memoryBudgetBytes) {
        if (RUNAWAY.get() >= MAX_RUNAWAY) {
            throw ErrorCode.OVERLOADED.exception(RUNAWAY.get() + " functions stopped over budget still run on this node;"
                    + " try again when they end");
        }
        long startNs = System.nanoTime();
        EvalGuard guard = new EvalGuard(startNs + TimeUnit.MILLISECONDS.toNanos(timeBudgetMs), memoryBudgetBytes);
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        Thread thread = Thread.ofPlatform().daemon(true).name("eval-" + target.processName())
                .unstarted(() -> runOnOwnThread(target, guard, loader, className, args, startNs, result));
        thread.start();
        while (true) {
            try {
                return result.get(WATCH_MS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                String over = overBudget(guard, thread, timeBudgetMs);
                if (over != null) {
                    stop(guard, thread, over);
                    throw ErrorCode.BUDGET_EXCEEDED.exception(over + ": " + afterStop(thread));
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof CaravanException ce) {
                    throw new CaravanException(ce.code(), ce.getMessage(), ce);
                }
                throw ErrorCode.INTERNAL.exception("remote function failed: " + e.getCause());
            } catch (InterruptedException e) {
                stop(guard, thread, "the process stopped while the function ran");
                Thread.currentThread().interrupt();
                throw ErrorCode.UNAVAILABLE.exception("the process stopped while the function ran");
            }
        }
    }

    private static String overBudget(EvalGuard guard, Thread thread, long timeBudgetMs) {
        if (System.nanoTime() - guard.deadlineNs() > 0) {
            return "the function ran over its time budget of " + timeBudgetMs + " ms";
        }
        long used = guard.allocatedSinceBegin(thread);
        if (used > guard.memoryBudgetBytes()) {
            return "the function allocated " + used + " bytes, over its memory budget of " + guard.memoryBudgetBytes() + " bytes";
        }
        return null;
    }

    /**
     * What became of a function's thread once {@link #stop} revoked and interrupted it: Java cannot
     * end a thread that does not want to end, so this says whether it did, within {@value #END_WAIT_MS} ms.
     */
    private static String afterStop(Thread thread) {
        String cut = "cut off from the process's data and interrupted";
        try {
            if (thread.join(java.time.Duration.ofMillis(END_WAIT_MS))) {
                return cut + "; its thread has ended";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        int n = RUNAWAY.get();
        return cut + "; a function that ignores interruption keeps its thread busy until it returns (" + n + " such thread"
                + (n == 1 ? "" : "s") + " on this node now)";
    }

    private static void stop(EvalGuard guard, Thread thread, String reason) {
        guard.revoke(reason);
        if (thread.isAlive()) {
            RUNAWAY.incrementAndGet();
            Thread.ofPlatform().daemon(true).name("eval-reaper").start(() -> {
                try {
                    thread.join();
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                } finally {
                    RUNAWAY.decrementAndGet();
                }
            });
            thread.interrupt();
        }
    }

    private static void runOnOwnThread(EvalTarget target, EvalGuard guard, ClassLoader loader, String className,
                                       List<byte[]> args, long startNs, CompletableFuture<Outcome> result) {
        guard.begin();
        try {
            RemoteFunction function = instantiate(loader, className);
            EvalContext ctx = new Context(target, guard);
            Reply reply;
            try {
                reply = checkReply(className, function.apply(ctx, args));
            } catch (CaravanException e) {
                if (e.code() == ErrorCode.BUDGET_EXCEEDED) {
                    throw e;
                }
                reply = new Reply.Error("ERR function " + className + " failed: " + oneLine(e));
            } catch (RuntimeException | Error e) {
                if (guard.revokedReason() != null) {
                    throw ErrorCode.BUDGET_EXCEEDED.exception(guard.revokedReason());
                }
                reply = new Reply.Error("ERR function " + className + " failed: " + oneLine(e));
            }
            guard.check();
            result.complete(new Outcome(reply, System.nanoTime() - startNs, guard.allocatedSinceBegin()));
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }

    private static Reply checkReply(String className, Reply reply) {
        if (reply == null) {
            return new Reply.Error("ERR function " + className + " returned no reply (null)");
        }
        if (reply instanceof Reply.Blocked || reply instanceof Reply.Suppressed || reply instanceof Reply.Closing) {
            return new Reply.Error("ERR function " + className + " returned a control reply ("
                    + reply.getClass().getSimpleName() + "), which only a process may");
        }
        return reply;
    }

    static RemoteFunction instantiate(ClassLoader loader, String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("class " + className + " is not in the bundle");
        } catch (LinkageError e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("class " + className + " cannot be loaded: " + oneLine(e));
        }
        if (!RemoteFunction.class.isAssignableFrom(type)) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("class " + className + " does not implement "
                    + RemoteFunction.class.getName());
        }
        try {
            Constructor<?> ctor = type.getConstructor();
            return (RemoteFunction) ctor.newInstance();
        } catch (NoSuchMethodException | IllegalAccessException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("class " + className + " needs a public no-argument constructor");
        } catch (InstantiationException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("class " + className + " is abstract");
        } catch (InvocationTargetException e) {
            throw ErrorCode.CLASS_LOAD_FAILED.exception("the constructor of " + className + " failed: " + oneLine(e.getCause()));
        }
    }

    /** {@code Type: message (at Class.method:line)} on one line. */
    static String oneLine(Throwable e) {
        String text = e.getClass().getName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        StackTraceElement[] trace = e.getStackTrace();
        if (trace.length > 0) {
            StackTraceElement top = trace[0];
            text += " (at " + top.getClassName() + "." + top.getMethodName() + ":" + top.getLineNumber() + ")";
        }
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    /** The context handed to one function. */
    private static final class Context implements EvalContext {
        private final EvalTarget target;
        private final EvalGuard guard;
        private final ReadOnlyMemory memory;
        private final KeyValueView keys;

        Context(EvalTarget target, EvalGuard guard) {
            this.target = target;
            this.guard = guard;
            this.memory = new ReadOnlyMemory(target.memory(), guard);
            this.keys = target.view() == null ? null : new GuardedKeyValueView(target.view(), guard);
        }

        @Override
        public String processName() {
            return target.processName();
        }

        @Override
        public String nodeId() {
            return target.nodeId();
        }

        @Override
        public ReadOnlyMemory memory() {
            return memory;
        }

        @Override
        public KeyValueView keys() {
            return keys;
        }

        @Override
        public long timeLeftMs() {
            return Math.max(0, TimeUnit.NANOSECONDS.toMillis(guard.deadlineNs() - System.nanoTime()));
        }

        @Override
        public long memoryLeftBytes() {
            return guard.memoryLeftBytes();
        }

        @Override
        public void checkBudget() {
            guard.check();
        }

        @Override
        public Clock clock() {
            return target.clock();
        }
    }
}
