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
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-client plumbing of the runner: which client sent a batch, closed clients, control replies, disconnects. */
class ProcessRunnerClientTest {
    /** Records what it saw, in order; answers some commands with control replies. */
    static final class Recorder implements CaravanProcess {
        final List<String> seen = new ArrayList<>();
        ProcessContext ctx;

        @Override
        public void onStart(ProcessContext context, boolean restored) {
            ctx = context;
        }

        @Override
        public Reply onCommand(Command command) {
            throw new AssertionError("the runner must call onCommand(ClientRef, Command)");
        }

        @Override
        public Reply onCommand(ClientRef client, Command command) {
            seen.add(client.sessionId() + ":" + command.name() + "@" + client.addr());
            return switch (command.name()) {
                case "OFF" -> Reply.SUPPRESSED;
                case "QUIT" -> new Reply.Closing(Reply.OK);
                case "KILL" -> {
                    ctx.disconnectClient(Long.parseLong(command.text(1)));
                    yield Reply.OK;
                }
                default -> Reply.bulk(command.name());
            };
        }

        @Override
        public void onClientClosed(long sessionId) {
            seen.add("closed:" + sessionId);
            if (sessionId == 666) {
                throw new IllegalStateException("a bug in dropping a session");
            }
        }
    }

    private static final ClientRef A = new ClientRef(11, "10.0.0.1:5000", "10.0.0.9:6379");
    private static final ClientRef B = new ClientRef(22, "10.0.0.2:5001", "10.0.0.9:6379");

    private final PagedMemory memory = new PagedMemory(1L << 20, 4096);
    private final Recorder process = new Recorder();
    private final ProcessRunner runner = new ProcessRunner(ProcessId.random(), "r", 1, process, memory,
            new ManualClock(0), Map.of(), 16);

    @AfterEach
    void stop() throws InterruptedException {
        runner.stop(Duration.ofSeconds(5));
        runner.runUntilIdle();
        memory.close();
    }

    private AtomicReference<Reply[]> submit(ClientRef client, String... names) throws InterruptedException {
        AtomicReference<Reply[]> replies = new AtomicReference<>();
        Command[] commands = new Command[names.length];
        for (int i = 0; i < names.length; i++) {
            commands[i] = Command.of(names[i].split(" "));
        }
        runner.submit(client, commands, replies::set);
        return replies;
    }

    @Test
    void shouldHandEachCommandToTheProcessWithTheClientThatSentIt() throws Exception {
        runner.startStepped(false);
        submit(A, "GET", "SET");
        submit(B, "GET");
        runner.submit(new Command[] {Command.of("PING")}, r -> { });

        runner.runUntilIdle();

        assertThat(process.seen).containsExactly("11:GET@10.0.0.1:5000", "11:SET@10.0.0.1:5000", "22:GET@10.0.0.2:5001",
                "0:PING@");
    }

    @Test
    void shouldTellTheProcessAClientClosedOnlyAfterItsQueuedBatchesRan() throws Exception {
        runner.startStepped(false);
        AtomicReference<Reply[]> pipelined = submit(A, "SET", "GET");

        assertThat(runner.clientClosed(A.sessionId())).isTrue();
        assertThat(runner.step()).isTrue();
        assertThat(pipelined.get()).hasSize(2);
        assertThat(process.seen).doesNotContain("closed:11");
        assertThat(runner.step()).isTrue();

        assertThat(process.seen).containsExactly("11:SET@10.0.0.1:5000", "11:GET@10.0.0.1:5000", "closed:11");
    }

    @Test
    void shouldNotTellTheProcessAboutSessionZero() throws Exception {
        runner.startStepped(false);

        assertThat(runner.clientClosed(0)).isTrue();

        assertThat(runner.runUntilIdle()).isZero();
        assertThat(process.seen).isEmpty();
    }

    @Test
    void shouldPassSuppressedAndClosingRepliesToTheCompletionUnchanged() throws Exception {
        runner.startStepped(false);
        AtomicReference<Reply[]> replies = submit(A, "OFF", "GET", "QUIT");

        runner.runUntilIdle();

        assertThat(replies.get()).containsExactly(Reply.SUPPRESSED, Reply.bulk("GET"), new Reply.Closing(Reply.OK));
    }

    @Test
    void shouldRunNothingPipelinedBehindACloseAfterReply() throws Exception {
        runner.startStepped(false);
        AtomicReference<Reply[]> replies = submit(A, "GET", "QUIT", "SET", "GET");

        runner.runUntilIdle();

        assertThat(replies.get()).containsExactly(Reply.bulk("GET"), new Reply.Closing(Reply.OK), Reply.SUPPRESSED,
                Reply.SUPPRESSED);
        assertThat(process.seen).containsExactly("11:GET@10.0.0.1:5000", "11:QUIT@10.0.0.1:5000");
    }

    @Test
    void shouldCarryClientsAndClosedNoticesThroughAHandOffInOrder() throws Exception {
        runner.startStepped(false);
        runner.suspend();
        runner.runUntilIdle();
        submit(A, "SET");
        runner.clientClosed(A.sessionId());
        submit(B, "GET");

        // handOff joins the process thread; a stepped runner has none, the STOP is taken by the next step.
        List<ProcessRunner.PendingBatch> pending = runner.handOff();

        assertThat(pending).hasSize(3);
        assertThat(pending.get(0).client()).isEqualTo(A);
        assertThat(pending.get(0).isClientClosed()).isFalse();
        assertThat(pending.get(1).client().sessionId()).isEqualTo(A.sessionId());
        assertThat(pending.get(1).isClientClosed()).isTrue();
        assertThat(pending.get(1).commands()).isEmpty();
        assertThat(pending.get(2).client()).isEqualTo(B);
        assertThat(runner.clientClosed(B.sessionId())).as("a handed-off mailbox drops the notice and says so").isFalse();
        assertThat(process.seen).isEmpty();
    }

    @Test
    void shouldAskTheListenerToDisconnectAClientTheProcessKills() throws Exception {
        List<Long> disconnected = new ArrayList<>();
        runner.disconnectListener(disconnected::add);
        runner.startStepped(false);
        submit(A, "KILL 22");

        runner.runUntilIdle();

        assertThat(disconnected).containsExactly(22L);
    }

    @Test
    void shouldKeepRunningWhenOnClientClosedThrows() throws Exception {
        runner.startStepped(false);
        runner.clientClosed(666);
        AtomicReference<Reply[]> after = submit(A, "GET");

        runner.runUntilIdle();

        assertThat(runner.state()).isEqualTo(ProcessState.RUNNING);
        assertThat(after.get()).containsExactly(Reply.bulk("GET"));
    }
}
