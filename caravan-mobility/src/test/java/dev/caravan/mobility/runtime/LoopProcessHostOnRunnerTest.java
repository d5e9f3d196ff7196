package dev.caravan.mobility.runtime;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.process.ProcessState;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The host on a real (stepped) ProcessRunner: commands sent while the loop sleeps wait, in order, and a freeze holds the loop. */
class LoopProcessHostOnRunnerTest {
    private final PagedMemory memory = new PagedMemory(8L << 20, 4096);
    private final ManualClock clock = new ManualClock(1_000_000);
    private final LoopProcessHost host = LoopProcessHostTest.newHost();
    private final ProcessRunner runner = new ProcessRunner(ProcessId.random(), "loop", 1, host, memory, clock, Map.of(), 64);

    @AfterEach
    void close() {
        memory.close();
    }

    private CompletableFuture<String> send(String... parts) throws InterruptedException {
        CompletableFuture<String> f = new CompletableFuture<>();
        runner.submit(new Command[] {Command.of(parts)}, r -> f.complete(r[0] instanceof Reply.Bulk b ? b.text() : r[0].toString()));
        return f;
    }

    @Test
    void shouldServeCommandsSentDuringASleepInOrderOnceItEndsAndNotWhileFrozen() throws Exception {
        runner.startStepped(false);
        CompletableFuture<String> nap = send("NAP", "300");
        runner.runUntilIdle();
        assertThat(nap).isCompletedWithValue("napping");
        List<CompletableFuture<String>> waiting = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            waiting.add(send("ADD", Integer.toString(i)));
        }
        runner.runUntilIdle();
        assertThat(waiting).noneMatch(CompletableFuture::isDone);
        assertThat(runner.parkedBatches()).isEqualTo(3);

        clock.advanceMs(300);
        CompletableFuture<Void> frozen = runner.suspend();
        runner.runUntilIdle();
        assertThat(frozen).isDone();
        assertThat(runner.state()).isEqualTo(ProcessState.SUSPENDED);
        runner.tick();
        runner.runUntilIdle();
        assertThat(waiting).as("a frozen loop is not resumed by a tick").noneMatch(CompletableFuture::isDone);

        runner.resume();
        runner.tick();
        runner.runUntilIdle();
        assertThat(waiting).allMatch(CompletableFuture::isDone);
        assertThat(waiting.stream().map(CompletableFuture::join))
                .containsExactly("1:2:1:1:fz", "3:3:12:2:fz", "6:4:123:3:fz");
    }
}
