package dev.caravan.core.eval;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionRunnerTest {
    private static final ClassLoader LOADER = FunctionRunnerTest.class.getClassLoader();
    private static final AtomicReference<EvalContext> LEAKED = new AtomicReference<>();
    private PagedMemory memory;
    private EvalTarget target;

    @BeforeEach
    void setUp() {
        memory = new PagedMemory(1 << 20, 4096);
        memory.putLong(64, 42);
        Map<String, String> data = new LinkedHashMap<>();
        data.put("a", "apple");
        data.put("b", "banana");
        data.put("c", "cherry");
        target = new EvalTarget("p", "n1", memory, new MapView(data), Clock.system());
    }

    @AfterEach
    void tearDown() {
        memory.close();
    }

    @Test
    void shouldCountMatchingValuesThroughTheView() {
        FunctionRunner.Outcome out = FunctionRunner.run(target, LOADER, CountContaining.class.getName(),
                List.of("an".getBytes(StandardCharsets.UTF_8)), 2000, 64 << 20);
        assertThat(out.reply()).isEqualTo(new Reply.Int(1));
        assertThat(out.elapsedNs()).isPositive();
        assertThat(out.allocatedBytes()).isPositive();
    }

    @Test
    void shouldReadMemoryButOfferNoWritePath() {
        FunctionRunner.Outcome out = FunctionRunner.run(target, LOADER, ReadLong.class.getName(), List.of(), 2000, 64 << 20);
        assertThat(out.reply()).isEqualTo(new Reply.Int(42));
        FunctionRunner.Outcome write = FunctionRunner.run(target, LOADER, TriesToWrite.class.getName(), List.of(), 2000, 64 << 20);
        assertThat(write.reply()).isInstanceOf(Reply.Error.class);
        assertThat(((Reply.Error) write.reply()).text()).startsWith("ERR function " + TriesToWrite.class.getName()
                + " failed: java.lang.ClassCastException");
        assertThat(memory.getLong(64)).isEqualTo(42);
    }

    @Test
    void shouldStopALoopingFunctionAndRevokeItsAccess() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> FunctionRunner.run(target, LOADER, LoopsAfterLeaking.class.getName(), List.of(), 100, 64 << 20))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                    assertThat(e.getMessage()).contains("time budget");
                });
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
        assertThatThrownBy(() -> LEAKED.get().memory().getLong(64))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED));
    }

    /** The tester's case: "it was stopped" while its thread kept spinning. The message now says what is true. */
    @Test
    void shouldSayAFunctionThatIgnoresInterruptionStillRuns() {
        try {
            assertThatThrownBy(() -> FunctionRunner.run(target, LOADER, IgnoresInterruption.class.getName(), List.of(), 50, 64 << 20))
                    .isInstanceOfSatisfying(CaravanException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                        assertThat(e.getMessage()).startsWith("the function ran over its time budget of 50 ms: cut off from the"
                                        + " process's data and interrupted; a function that ignores interruption keeps its thread"
                                        + " busy until it returns (")
                                .containsPattern("\\(\\d+ such threads? on this node now\\)$")
                                .doesNotContain("was stopped");
                    });
            assertThat(FunctionRunner.runawayThreads()).isPositive();
        } finally {
            IgnoresInterruption.release = true;
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> FunctionRunner.runawayThreads() == 0);
    }

    @Test
    void shouldSayAFunctionThatHonoursInterruptionHasEnded() {
        assertThatThrownBy(() -> FunctionRunner.run(target, LOADER, SleepsLong.class.getName(), List.of(), 50, 64 << 20))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.getMessage())
                        .startsWith("the function ran over its time budget of 50 ms: cut off from the process's data and interrupted; ")
                        .doesNotContain("was stopped"));
    }

    @Test
    void shouldStopAFunctionOverItsMemoryBudget() {
        assertThatThrownBy(() -> FunctionRunner.run(target, LOADER, Hoards.class.getName(), List.of(), 10_000, 8 << 20))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
                    assertThat(e.getMessage()).contains("memory budget of " + (8 << 20));
                });
    }

    @Test
    void shouldAnswerAThrowingFunctionWithAOneLineError() {
        FunctionRunner.Outcome out = FunctionRunner.run(target, LOADER, Throws.class.getName(), List.of(), 2000, 64 << 20);
        String text = ((Reply.Error) out.reply()).text();
        assertThat(text).startsWith("ERR function " + Throws.class.getName() + " failed: java.lang.IllegalStateException: no luck (at ")
                .doesNotContain("\n");
    }

    @Test
    void shouldRefuseMissingClassesAndClassesThatAreNotFunctions() {
        assertThatThrownBy(() -> FunctionRunner.run(target, LOADER, "no.such.Fn", List.of(), 2000, 64 << 20))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
                    assertThat(e.getMessage()).isEqualTo("class no.such.Fn is not in the bundle");
                });
        assertThatThrownBy(() -> FunctionRunner.run(target, LOADER, String.class.getName(), List.of(), 2000, 64 << 20))
                .isInstanceOfSatisfying(CaravanException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.CLASS_LOAD_FAILED);
                    assertThat(e.getMessage()).contains("does not implement " + RemoteFunction.class.getName());
                });
    }

    public static final class CountContaining implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            String needle = new String(args.get(0), StandardCharsets.UTF_8);
            long n = 0;
            for (Iterator<byte[]> it = ctx.keys().keys(); it.hasNext(); ) {
                byte[] v = ctx.keys().get(it.next());
                if (v != null && new String(v, StandardCharsets.UTF_8).contains(needle)) {
                    n++;
                }
            }
            return new Reply.Int(n);
        }
    }

    public static final class ReadLong implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            return new Reply.Int(ctx.memory().getLong(64));
        }
    }

    public static final class TriesToWrite implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            Object m = ctx.memory();
            ((PagedMemory) m).putLong(64, 7);
            return new Reply.Simple("OK");
        }
    }

    public static final class LoopsAfterLeaking implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            LEAKED.set(ctx);
            long spins = 0;
            while (!Thread.currentThread().isInterrupted()) {
                spins++;
            }
            return new Reply.Int(spins);
        }
    }

    public static final class IgnoresInterruption implements RemoteFunction {
        static volatile boolean release;

        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            long spins = 0;
            while (!release) {
                spins++;
            }
            return new Reply.Int(spins);
        }
    }

    public static final class SleepsLong implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            try {
                Thread.sleep(60_000); // the function under test: it waits to be interrupted
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Reply.Simple("OK");
        }
    }

    public static final class Hoards implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            List<byte[]> hoard = new ArrayList<>();
            while (!Thread.currentThread().isInterrupted() && hoard.size() < 100_000) {
                hoard.add(new byte[4096]);
            }
            return new Reply.Int(hoard.size());
        }
    }

    public static final class Throws implements RemoteFunction {
        @Override
        public Reply apply(EvalContext ctx, List<byte[]> args) {
            throw new IllegalStateException("no luck");
        }
    }

    /** A plain map as a process's view. */
    private record MapView(Map<String, String> data) implements KeyValueView {
        @Override
        public long size() {
            return data.size();
        }

        @Override
        public Iterator<byte[]> keys() {
            return data.keySet().stream().map(k -> k.getBytes(StandardCharsets.UTF_8)).iterator();
        }

        @Override
        public String type(byte[] key) {
            return data.containsKey(new String(key, StandardCharsets.UTF_8)) ? "string" : "none";
        }

        @Override
        public long valueLength(byte[] key) {
            byte[] v = get(key);
            return v == null ? -1 : v.length;
        }

        @Override
        public byte[] get(byte[] key) {
            String v = data.get(new String(key, StandardCharsets.UTF_8));
            return v == null ? null : v.getBytes(StandardCharsets.UTF_8);
        }
    }
}
