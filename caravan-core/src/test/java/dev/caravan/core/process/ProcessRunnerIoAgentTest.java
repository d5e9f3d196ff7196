package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** A runner whose thread serves an {@link IoAgent} while its mailbox is empty. */
class ProcessRunnerIoAgentTest {
    /**
     * Stands in for a selector: doWork(true) waits for I/O (a batch a test hands it) or a
     * wake-up; each batch is submitted from the process thread, as a data endpoint does.
     */
    final class FakeIo implements IoAgent {
        final BlockingQueue<Command> incoming = new LinkedBlockingQueue<>();
        final Semaphore ready = new Semaphore(0);
        final CompletableFuture<Thread> exited = new CompletableFuture<>();
        volatile Thread driver;
        /** Counted down when the process thread first enters {@link #doWork}: it then waits in the agent. */
        final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);

        void deliver(Command c) {
            incoming.add(c);
            ready.release();
        }

        @Override
        public void doWork(long maxWaitMs) {
            driver = Thread.currentThread();
            entered.countDown();
            if (maxWaitMs > 0) {
                try {
                    ready.tryAcquire(Math.min(maxWaitMs, 5_000), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            Command c;
            while ((c = incoming.poll()) != null) {
                Command command = c;
                CompletableFuture<Reply> reply = replies.computeIfAbsent(command.text(1), k -> new CompletableFuture<>());
                boolean[] inSubmit = {true};
                try {
                    runner.submitFromProcessThread(ClientRef.NONE, new Command[] {command}, r -> {
                        synchronous.put(command.text(1), inSubmit[0]);
                        reply.complete(r[0]);
                    });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inSubmit[0] = false;
            }
        }

        @Override
        public void wakeup() {
            ready.release();
        }

        @Override
        public void onProcessThreadExit() {
            exited.complete(Thread.currentThread());
        }
    }

    private final PagedMemory memory = new PagedMemory(8L << 20, 4096);
    private final ProcessRunnerTest.Counter counter = new ProcessRunnerTest.Counter();
    private final ProcessRunner runner = new ProcessRunner(ProcessId.random(), "io", 1, counter, memory,
            new ManualClock(0), Map.of(), 16);
    private final FakeIo io = new FakeIo();
    private final java.util.concurrent.ConcurrentHashMap<String, CompletableFuture<Reply>> replies = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Boolean> synchronous = new java.util.concurrent.ConcurrentHashMap<>();

    @AfterEach
    void stop() throws InterruptedException {
        runner.stop(Duration.ofSeconds(5));
        memory.close();
    }

    private Reply reply(String tag) throws Exception {
        return replies.computeIfAbsent(tag, k -> new CompletableFuture<>()).get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldRunABatchFromItsAgentAtOnceOnTheProcessThread() throws Exception {
        runner.attach(io);
        runner.start(false).get(5, TimeUnit.SECONDS);
        io.deliver(Command.of("INC", "a"));
        assertThat(reply("a")).isEqualTo(Reply.integer(1));
        assertThat(synchronous.get("a")).as("answered before submitFromProcessThread returned").isTrue();
        assertThat(counter.threads).containsOnly(io.driver);
        assertThat(io.driver.getName()).isEqualTo("process-io");
    }

    @Test
    void shouldServeMailboxWorkWhileItsAgentWaitsForIo() throws Exception {
        runner.attach(io);
        runner.start(false).get(5, TimeUnit.SECONDS);
        // The process thread sleeps in the agent; a batch from another thread must wake it. (Wait until it is
        // there: a batch submitted before the thread first reached the agent was served without it — seen in CI.)
        assertThat(io.entered.await(5, TimeUnit.SECONDS)).as("the process thread reached its agent").isTrue();
        assertThat(runner.submit(Command.of("INC")).get(5, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        runner.onProcessThread(() -> {
            ranOn.set(Thread.currentThread());
            return null;
        }).get(5, TimeUnit.SECONDS);
        assertThat(ranOn.get()).isSameAs(io.driver);
    }

    @Test
    void shouldQueueBatchesWhileFrozenAndAnswerThemOnResume() throws Exception {
        runner.attach(io);
        runner.start(false).get(5, TimeUnit.SECONDS);
        runner.suspend().get(5, TimeUnit.SECONDS);
        io.deliver(Command.of("INC", "frozen"));
        io.wakeup();
        // Bounded wait for the agent to have taken it: a queued batch shows in the mailbox.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (runner.queuedCommands() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(runner.queuedCommands()).isEqualTo(1);
        assertThat(replies.get("frozen")).isNotDone();
        runner.resume();
        assertThat(reply("frozen")).isEqualTo(Reply.integer(1));
        assertThat(synchronous.get("frozen")).isFalse();
    }

    @Test
    void shouldHandQueuedBatchesOffAndTellTheAgentThatTheThreadLeft() throws Exception {
        runner.attach(io);
        runner.start(false).get(5, TimeUnit.SECONDS);
        runner.suspend().get(5, TimeUnit.SECONDS);
        io.deliver(Command.of("INC", "left"));
        io.wakeup();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (runner.queuedCommands() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        List<ProcessRunner.PendingBatch> pending = runner.handOff();
        assertThat(pending).hasSize(1);
        assertThat(pending.getFirst().commands()[0].text(1)).isEqualTo("left");
        assertThat(io.exited.get(5, TimeUnit.SECONDS).getName()).isEqualTo("process-io");
        assertThat(counter.threads).isEmpty();
    }

    @Test
    void shouldRefuseAnAgentAfterStart() throws Exception {
        runner.start(false).get(5, TimeUnit.SECONDS);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runner.attach(io))
                .hasMessageContaining("before start");
    }
}
