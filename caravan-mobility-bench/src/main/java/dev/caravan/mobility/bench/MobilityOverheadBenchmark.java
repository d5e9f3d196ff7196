package dev.caravan.mobility.bench;

import dev.caravan.core.mobility.LoopProcess;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ClientRef;
import dev.caravan.mobility.enhance.EnhancedBundle;
import dev.caravan.mobility.enhance.LoopBundles;
import dev.caravan.wire.command.Command;
import org.apache.commons.javaflow.api.Continuation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One iteration of {@link BenchLoop} (three frames, one receive) three ways: plain bytecode; enhanced
 * by {@link LoopBundles} and running inside a continuation that never suspends; enhanced and
 * suspended then resumed at every receive (a single-shot continuation: capture and restore of the
 * three frames each iteration).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MobilityOverheadBenchmark {
    static final int BATCH = 1_000;

    private final Request request = new Request(42, new ClientRef(1, "bench", "bench"), Command.of("PING"));
    private BenchLoop plainLoop;
    private DirectLoopContext plainContext;
    private LoopProcess enhancedLoop;
    private DirectLoopContext enhancedContext;
    private Runnable enhancedRunner;
    private Continuation suspended;

    @Setup
    public void setUp() throws ReflectiveOperationException {
        plainLoop = new BenchLoop();
        plainContext = new DirectLoopContext(request);
        EnhancedBundle bundle = LoopBundles.enhance("bench", Map.of(internalName(BenchLoop.class), bytesOf(BenchLoop.class)),
                MobilityOverheadBenchmark.class.getClassLoader());
        enhancedLoop = (LoopProcess) bundle.loader().loadClass(BenchLoop.class.getName()).getConstructor().newInstance();
        enhancedContext = new DirectLoopContext(request);
        enhancedRunner = bundle.runner(enhancedLoop, enhancedContext);
        LoopProcess suspending = (LoopProcess) bundle.loader().loadClass(BenchLoop.class.getName())
                .getConstructor().newInstance();
        suspended = Continuation.startWith(bundle.runner(suspending, new SuspendingLoopContext()), true);
        checkSameWork();
    }

    /** The enhanced loop must do the same iterations as the plain one, or the comparison means nothing. */
    private void checkSameWork() throws ReflectiveOperationException {
        long plainResult = plain();
        if (enhancedNotSuspending() != null) {
            throw new IllegalStateException("the enhanced loop suspended although its context never suspends");
        }
        long enhancedResult = enhancedLoop.getClass().getField("result").getLong(enhancedLoop);
        if (plainResult != enhancedResult || plainResult == 0) {
            throw new IllegalStateException("enhanced loop computed " + enhancedResult + ", plain " + plainResult);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long plain() {
        plainLoop.run(plainContext.reset(BATCH));
        return plainLoop.result;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public Continuation enhancedNotSuspending() {
        enhancedContext.reset(BATCH);
        return Continuation.startWith(enhancedRunner, true);
    }

    @Benchmark
    public Continuation enhancedSuspendResume() {
        suspended = suspended.resume(request);
        return suspended;
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    private static byte[] bytesOf(Class<?> type) {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
