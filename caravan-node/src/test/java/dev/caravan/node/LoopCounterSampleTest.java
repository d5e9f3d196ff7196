package dev.caravan.node;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.ManualClock;
import dev.caravan.mobility.runtime.LoopProcessHost;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The built-in loop-counter sample: enhanced by the node, run as a LoopProcessHost, its locals carried by its state. */
class LoopCounterSampleTest {
    private static final ProcessSpec SPEC = new ProcessSpec("lc", "loop-counter", "", "", 1 << 20, Map.of());

    private static String call(ProcessRunner runner, String... parts) throws InterruptedException {
        CompletableFuture<Reply> f = runner.submit(Command.of(parts));
        runner.runUntilIdle();
        return f.join() instanceof Reply.Bulk b ? b.text() : f.join().toString();
    }

    @Test
    void shouldRunTheSampleAsALoopAndCarryItsLocalsThroughItsState() throws Exception {
        ProcessFactory factory = new ProcessFactory(null);
        CaravanProcess p = factory.create(SPEC);
        assertThat(p).isInstanceOf(LoopProcessHost.class);
        try (PagedMemory memory = new PagedMemory(1 << 20, 4096); PagedMemory memory2 = new PagedMemory(1 << 20, 4096)) {
            ProcessRunner runner = new ProcessRunner(ProcessId.random(), "lc", 1, p, memory, new ManualClock(0), Map.of(), 16);
            runner.startStepped(false);
            assertThat(call(runner, "ADD", "5")).isEqualTo("5:1");
            assertThat(call(runner, "ADD", "6")).isEqualTo("11:2");
            BodyWriter state = new BodyWriter();
            p.writeState(state);
            CaravanProcess copy = factory.create(SPEC);
            copy.readState(p.stateVersion(), new BodyReader(state.toBytes()));
            ProcessRunner there = new ProcessRunner(ProcessId.random(), "lc", 2, copy, memory2, new ManualClock(0), Map.of(), 16);
            there.startStepped(true);
            assertThat(call(there, "ADD", "1")).isEqualTo("12:3");
            assertThat(call(there, "LAST")).isEqualTo("no move yet");
        }
    }

    @Test
    void shouldAnswerBadArgumentsAsRedisDoesAndKeepRunning() throws Exception {
        CaravanProcess p = new ProcessFactory(null).create(SPEC);
        try (PagedMemory memory = new PagedMemory(1 << 20, 4096)) {
            ProcessRunner runner = new ProcessRunner(ProcessId.random(), "lc", 1, p, memory, new ManualClock(0), Map.of(), 16);
            runner.startStepped(false);
            String notAnInteger = new Reply.Error("ERR value is not an integer or out of range").toString();
            assertThat(call(runner, "NAP", "abc")).isEqualTo(notAnInteger);
            for (String bad : new String[] {"abc", "", "+1", " 1", "01", "-0", "1.5", "9223372036854775808"}) {
                assertThat(call(runner, "ADD", bad)).as("ADD '%s'", bad).isEqualTo(notAnInteger);
            }
            assertThat(call(runner, "NAP", "-1")).isEqualTo(new Reply.Error("ERR timeout is negative").toString());
            assertThat(call(runner, "ADD", "9223372036854775807")).isEqualTo("9223372036854775807:11");
            assertThat(call(runner, "ADD", "1")).isEqualTo(new Reply.Error("ERR increment or decrement would overflow").toString());
            assertThat(call(runner, "ADD", "-9223372036854775807")).isEqualTo("0:13");
            assertThat(runner.state()).isEqualTo(dev.caravan.core.process.ProcessState.RUNNING);
            assertThat(call(runner, "GET")).isEqualTo("0:14");
        }
    }
}
