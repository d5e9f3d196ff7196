package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Stopping with a deadline, failure reasons, what the thread is doing, and which start hook runs. */
class ProcessRunnerLifecycleTest {
    /** Records its hooks; LOOP spins until interrupted (or forever if told to ignore interrupts). */
    static final class Looper implements CaravanProcess {
        final List<String> hooks = new ArrayList<>();
        final CountDownLatch looping = new CountDownLatch(1);
        final AtomicBoolean ignoreInterrupts = new AtomicBoolean();
        final AtomicBoolean release = new AtomicBoolean();
        ManualClock clock;
        volatile boolean failStart;

        @Override
        public void onStart(ProcessContext context, boolean restored) {
            hooks.add("onStart " + restored);
            if (failStart) {
                throw new IllegalStateException("no config");
            }
        }

        @Override
        public void onArrive(ProcessContext context) {
            hooks.add("onArrive");
            clock.advanceMs(7);
        }

        @Override
        public Reply onCommand(Command command) {
            if (command.name().equals("DIE")) {
                throw new AssertionError("invariant broken");
            }
            if (command.name().equals("LOOP")) {
                looping.countDown();
                while (!release.get() && (ignoreInterrupts.get() || !Thread.currentThread().isInterrupted())) {
                    Thread.onSpinWait();
                }
                return Reply.bulk("done");
            }
            return Reply.integer(hooks.size());
        }

        @Override
        public void onStop() {
            hooks.add("onStop");
        }
    }

    private final ManualClock clock = new ManualClock(0);
    private final PagedMemory memory = new PagedMemory(1L << 20, 4096);
    private final Looper looper = new Looper();
    private final ProcessRunner runner = new ProcessRunner(ProcessId.random(), "loop", 1, looper, memory, clock, Map.of(), 16);

    ProcessRunnerLifecycleTest() {
        looper.clock = clock;
    }

    @AfterEach
    void release() throws InterruptedException {
        looper.release.set(true);
        runner.stop(Duration.ofSeconds(5));
        memory.close();
    }

    @Test
    void shouldRunOnStartForADeployAndOnArriveForAnArrivalAndTimeTheHook() throws Exception {
        runner.start(true).get(5, TimeUnit.SECONDS);
        assertThat(runner.startHook().get(5, TimeUnit.SECONDS)).isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));
        assertThat(runner.submit(Command.of("N")).get(5, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
        assertThat(looper.hooks).containsExactly("onArrive");
        assertThat(runner.hookNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(7));

        Looper fresh = new Looper();
        try (PagedMemory m = new PagedMemory(1L << 20, 4096)) {
            ProcessRunner deployed = new ProcessRunner(ProcessId.random(), "d", 1, fresh, m, clock, Map.of(), 16);
            deployed.start(false).get(5, TimeUnit.SECONDS);
            assertThat(deployed.stop(Duration.ofSeconds(5))).isTrue();
            assertThat(fresh.hooks).containsExactly("onStart false", "onStop");
        }
    }

    @Test
    void shouldDelegateArrivalToOnStartForProcessesWithoutOnArrive() throws Exception {
        List<Boolean> starts = new ArrayList<>();
        CaravanProcess old = new CaravanProcess() {
            @Override
            public void onStart(ProcessContext context, boolean restored) {
                starts.add(restored);
            }

            @Override
            public Reply onCommand(Command command) {
                return Reply.bulk("done");
            }
        };
        try (PagedMemory m = new PagedMemory(1L << 20, 4096)) {
            ProcessRunner r = new ProcessRunner(ProcessId.random(), "old", 1, old, m, clock, Map.of(), 16);
            r.start(true).get(5, TimeUnit.SECONDS);
            r.startHook().get(5, TimeUnit.SECONDS);
            assertThat(starts).containsExactly(true);
            r.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void shouldStopACooperativeLoopByInterruptingItWithinTheDeadline() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        CompletableFuture<Reply> spinning = runner.submit(Command.of("LOOP"));
        assertThat(looper.looping.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(runner.busyWith()).isEqualTo("LOOP");

        assertThat(runner.stop(Duration.ofMillis(400))).isTrue();
        assertThat(runner.terminated()).isDone();
        assertThat(spinning.get(5, TimeUnit.SECONDS)).isEqualTo(Reply.bulk("done"));
        assertThat(runner.busyWith()).isNull();
    }

    @Test
    void shouldGiveUpOnALoopThatIgnoresInterruptsAtTheDeadline() throws Exception {
        looper.ignoreInterrupts.set(true);
        runner.start(false).get(5, TimeUnit.SECONDS);
        runner.submit(Command.of("LOOP"));
        assertThat(looper.looping.await(5, TimeUnit.SECONDS)).isTrue();
        clock.advanceMs(3000);

        assertThat(runner.stop(Duration.ofMillis(200))).isFalse();
        assertThat(runner.terminated()).isNotDone();
        assertThat(runner.busyWith()).isEqualTo("LOOP");
        assertThat(runner.busySinceNs()).isZero();

        looper.release.set(true);
        await().atMost(Duration.ofSeconds(5)).until(runner.terminated()::isDone);
    }

    @Test
    void shouldRefuseCommandsAtOnceWithTheReasonOnceFailed() throws Exception {
        looper.failStart = true;
        CompletableFuture<Void> started = runner.start(false);
        assertThatThrownBy(() -> started.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(runner.state()).isEqualTo(ProcessState.FAILED);
        assertThat(runner.failureReason()).contains("onStart threw").contains("no config");
        assertThatThrownBy(() -> runner.submit(Command.of("N")))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_FAILED))
                .hasMessageContaining("no config");
    }

    @Test
    void shouldAnswerTheBatchInProgressWhenTheHandlerKillsItsThread() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        CompletableFuture<Reply[]> batch = new CompletableFuture<>();
        runner.submit(new Command[] {Command.of("N"), Command.of("DIE"), Command.of("N")}, batch::complete);

        Reply[] replies = batch.get(5, TimeUnit.SECONDS);
        assertThat(replies[0]).isEqualTo(Reply.integer(1));
        assertThat(replies[1]).isInstanceOf(Reply.Error.class).isEqualTo(replies[2]);
        await().atMost(Duration.ofSeconds(5)).until(() -> runner.state() == ProcessState.FAILED);
        assertThat(runner.failureReason()).contains("DIE").contains("invariant broken");
    }

    @Test
    void shouldReportTheReasonGivenWhenMarkedFailed() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        runner.markFailed("it lost pages with its migration source");
        assertThatThrownBy(runner::requireNotFailed).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.PROCESS_FAILED)).hasMessageContaining("lost pages");
    }
}
