package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessRunnerTest {
    /** Counts in paged memory and records which thread ran it. */
    static final class Counter implements CaravanProcess {
        final List<Thread> threads = new ArrayList<>();
        ProcessContext ctx;
        long ticks;

        @Override
        public void onStart(ProcessContext context, boolean restored) {
            ctx = context;
        }

        @Override
        public Reply onCommand(Command command) {
            threads.add(Thread.currentThread());
            if (command.name().equals("BOOM")) {
                throw new IllegalStateException("boom");
            }
            long v = ctx.memory().getLong(0) + 1;
            ctx.memory().putLong(0, v);
            return Reply.integer(v);
        }

        @Override
        public void onTick(long nowMs) {
            ticks++;
        }
    }

    private final PagedMemory memory = new PagedMemory(8L << 20, 4096);
    private final Counter counter = new Counter();
    private final ProcessRunner runner = new ProcessRunner(ProcessId.random(), "c", 1, counter, memory,
            new ManualClock(0), Map.of(), 16);

    @AfterEach
    void stop() throws InterruptedException {
        runner.stop(Duration.ofSeconds(5));
        memory.close();
    }

    @Test
    void shouldRunAStepAtATimeOnTheTestThreadWhenStepped() throws Exception {
        assertThat(runner.startStepped(false)).isDone();
        CompletableFuture<Reply> first = runner.submit(Command.of("INC"));
        CompletableFuture<Reply> second = runner.submit(Command.of("INC"));
        assertThat(first).isNotDone();
        assertThat(runner.step()).isTrue();
        assertThat(first.get()).isEqualTo(Reply.integer(1));
        assertThat(second).isNotDone();
        CompletableFuture<Void> frozen = runner.suspend();
        assertThat(runner.step()).isTrue();
        assertThat(frozen).isDone();
        assertThat(runner.state()).isEqualTo(ProcessState.SUSPENDED);
        assertThat(runner.step()).as("a suspended process takes no command").isFalse();
        runner.resume();
        assertThat(runner.runUntilIdle()).isEqualTo(2);
        assertThat(second.get()).isEqualTo(Reply.integer(2));
        assertThat(counter.threads).containsOnly(Thread.currentThread());
        assertThat(runner.stop(Duration.ofSeconds(1))).isTrue();
        assertThat(runner.step()).isTrue();
        assertThat(runner.terminated()).isDone();
        assertThat(runner.state()).isEqualTo(ProcessState.STOPPED);
        assertThat(runner.step()).isFalse();
    }

    @Test
    void shouldRunEveryCommandOnTheProcessThreadInOrder() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        List<CompletableFuture<Reply>> replies = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            replies.add(runner.submit(Command.of("INC")));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(replies.get(i).get(5, TimeUnit.SECONDS)).isEqualTo(Reply.integer(i + 1));
        }
        assertThat(counter.threads).allMatch(t -> t == counter.threads.get(0));
        assertThat(counter.threads.get(0).isVirtual()).as("a platform thread: a spinning handler must not pin a carrier").isFalse();
        assertThat(runner.commandsServed()).isEqualTo(100);
    }

    @Test
    void shouldHoldQueuedCommandsWhileSuspendedAndRunThemOnResume() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        runner.suspend().get(5, TimeUnit.SECONDS);
        assertThat(runner.state()).isEqualTo(ProcessState.SUSPENDED);
        CompletableFuture<Reply> held = runner.submit(Command.of("INC"));
        // Control tasks still run while suspended; the command does not.
        runner.stats().get(5, TimeUnit.SECONDS);
        assertThat(held).isNotDone();
        assertThat(runner.queuedCommands()).isEqualTo(1);
        runner.resume();
        assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
        assertThat(runner.state()).isEqualTo(ProcessState.RUNNING);
    }

    @Test
    void shouldAnswerAFailingCommandWithAnErrorAndKeepServing() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        Reply r = runner.submit(Command.of("BOOM")).get(5, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(Reply.Error.class);
        assertThat(((Reply.Error) r).text()).startsWith("ERR internal error");
        assertThat(runner.submit(Command.of("INC")).get(5, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
        assertThat(runner.commandsFailed()).isEqualTo(1);
    }

    @Test
    void shouldAnswerQueuedCommandsWithAnErrorWhenStopped() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        runner.suspend().get(5, TimeUnit.SECONDS);
        CompletableFuture<Reply> queued = runner.submit(Command.of("INC"));
        assertThat(runner.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(queued.get(5, TimeUnit.SECONDS)).isInstanceOf(Reply.Error.class);
        assertThat(runner.state()).isEqualTo(ProcessState.STOPPED);
    }

    @Test
    void shouldCoalesceTicks() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        // Keep the process thread busy so that all three ticks arrive while one is pending.
        runner.post(() -> {
            try {
                release.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        runner.tick();
        runner.tick();
        runner.tick();
        release.countDown();
        runner.stats().get(5, TimeUnit.SECONDS);
        assertThat(counter.ticks).isEqualTo(1);
    }
}
