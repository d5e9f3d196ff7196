package dev.caravan.core.process;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Parking of batches whose command answered {@link Reply.Blocked}, on a stepped runner and a manual clock. */
class ProcessRunnerBlockingTest {
    /**
     * A queue: {@code PUSH v...}, {@code POP timeoutMs} (blocks while empty; 0 = no deadline),
     * {@code TRYPOP} (nil while empty), {@code LEN} (read-only). Counts retries, records closes.
     */
    static final class Queue implements CaravanProcess {
        final ArrayDeque<String> items = new ArrayDeque<>();
        final List<Long> closed = new ArrayList<>();
        int retries;
        ProcessContext ctx;

        @Override
        public void onStart(ProcessContext context, boolean restored) {
            ctx = context;
        }

        @Override
        public Reply onCommand(Command c) {
            return switch (c.name()) {
                case "PUSH" -> {
                    for (int i = 1; i < c.size(); i++) {
                        items.add(c.text(i));
                    }
                    yield Reply.integer(items.size());
                }
                case "POP" -> {
                    long timeoutMs = Long.parseLong(c.text(1));
                    yield items.isEmpty() ? new Reply.Blocked(timeoutMs == 0 ? 0 : ctx.clock().nowMs() + timeoutMs,
                            Reply.NIL_ARRAY) : Reply.bulk(items.poll());
                }
                case "TRYPOP" -> items.isEmpty() ? Reply.NIL : Reply.bulk(items.poll());
                case "LEN" -> Reply.integer(items.size());
                default -> Reply.error("ERR unknown command");
            };
        }

        @Override
        public Reply onRetry(ClientRef client, Command command) {
            retries++;
            return onCommand(client, command);
        }

        @Override
        public boolean isReadOnly(Command c) {
            return c.name().equals("LEN");
        }

        @Override
        public void onClientClosed(long sessionId) {
            closed.add(sessionId);
        }
    }

    private static final ClientRef A = new ClientRef(1, "10.0.0.1:1", "10.0.0.9:6379");
    private static final ClientRef B = new ClientRef(2, "10.0.0.2:2", "10.0.0.9:6379");
    private static final ClientRef C = new ClientRef(3, "10.0.0.3:3", "10.0.0.9:6379");

    private final PagedMemory memory = new PagedMemory(8L << 20, 4096);
    private final ManualClock clock = new ManualClock(1_000_000);
    private final Queue queue = new Queue();
    private ProcessRunner runner = new ProcessRunner(ProcessId.random(), "q", 1, queue, memory, clock, Map.of(), 64);
    private boolean threaded;
    /** The order in which batches were answered, by their first command's text. */
    private final List<String> answered = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        runner.stop(Duration.ofSeconds(5));
        if (!threaded) {
            runner.runUntilIdle();
        }
        memory.close();
    }

    private CompletableFuture<List<Reply>> submit(ClientRef client, String... commands) throws InterruptedException {
        Command[] batch = Arrays.stream(commands).map(c -> Command.of(c.split(" "))).toArray(Command[]::new);
        CompletableFuture<List<Reply>> f = new CompletableFuture<>();
        runner.submit(client, batch, r -> {
            answered.add(client.sessionId() + ":" + commands[0]);
            f.complete(List.of(r));
        });
        return f;
    }

    private static List<Reply> bulks(String... texts) {
        return Arrays.stream(texts).map(t -> t == null ? Reply.NIL : Reply.bulk(t)).toList();
    }

    @Test
    void shouldParkTheRestOfABatchAndAnswerItWholeOnceAnotherClientServesIt() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> blocked = submit(A, "PUSH x", "TRYPOP", "POP 0", "LEN");
        runner.runUntilIdle();
        assertThat(blocked).isNotDone();
        assertThat(runner.parkedBatches()).isEqualTo(1);
        assertThat(runner.commandsServed()).as("PUSH, TRYPOP and the blocked POP ran").isEqualTo(3);

        CompletableFuture<List<Reply>> pusher = submit(B, "PUSH a");
        runner.runUntilIdle();
        assertThat(pusher.get(5, TimeUnit.SECONDS)).containsExactly(Reply.integer(1));
        assertThat(blocked.get(5, TimeUnit.SECONDS)).containsExactly(Reply.integer(1), Reply.bulk("x"), Reply.bulk("a"), Reply.integer(0));
        assertThat(answered).containsExactly("2:PUSH a", "1:PUSH x");
        assertThat(runner.parkedBatches()).isZero();
        assertThat(runner.commandsServed()).isEqualTo(5);
    }

    @Test
    void shouldServeTheLongestWaitingClientFirst() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 0");
        CompletableFuture<List<Reply>> b = submit(B, "POP 0");
        CompletableFuture<List<Reply>> c = submit(C, "POP 0");
        runner.runUntilIdle();
        submit(ClientRef.NONE, "PUSH 1 2");
        runner.runUntilIdle();
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("1"));
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("2"));
        assertThat(c).isNotDone();
        submit(ClientRef.NONE, "PUSH 3");
        runner.runUntilIdle();
        assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("3"));
    }

    @Test
    void shouldServeAWaitingClientRightAfterTheCommandThatMadeItReady() throws Exception {
        // redis-server: a client that pipelines "LPUSH k a" then "LPOP k" while another waits in BLPOP k gets nil.
        runner.startStepped(false);
        CompletableFuture<List<Reply>> waiting = submit(A, "POP 0");
        runner.runUntilIdle();
        CompletableFuture<List<Reply>> pusher = submit(B, "PUSH a", "TRYPOP");
        runner.runUntilIdle();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("a"));
        assertThat(pusher.get(5, TimeUnit.SECONDS)).containsExactly(Reply.integer(1), Reply.NIL);
    }

    @Test
    void shouldRunWhatAServedClientPipelinedAfterTheWorkInProgress() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 0", "PUSH b");
        CompletableFuture<List<Reply>> b = submit(B, "POP 0");
        runner.runUntilIdle();
        CompletableFuture<List<Reply>> c = submit(C, "PUSH a", "LEN");
        runner.runUntilIdle();
        assertThat(c.get(5, TimeUnit.SECONDS)).as("A's PUSH b runs after C's batch").containsExactly(Reply.integer(1), Reply.integer(0));
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.bulk("a"), Reply.integer(1));
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("b"));
        assertThat(answered).containsExactly("3:PUSH a", "1:POP 0", "2:POP 0");
    }

    @Test
    void shouldParkAgainAtTheNextBlockingCommandOfAServedBatch() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 0", "POP 0", "LEN");
        runner.runUntilIdle();
        submit(B, "PUSH x");
        runner.runUntilIdle();
        assertThat(a).isNotDone();
        assertThat(runner.parkedBatches()).isEqualTo(1);
        submit(B, "PUSH y");
        runner.runUntilIdle();
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.bulk("x"), Reply.bulk("y"), Reply.integer(0));
    }

    @Test
    void shouldAnswerTheTimeoutReplyOnlyOnceTheClockIsPastTheDeadlineAndThenRunTheRest() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 100", "PUSH z");
        runner.runUntilIdle();
        clock.advanceMs(100);
        assertThat(runner.runUntilIdle()).as("at the deadline itself, as redis-server, still waiting").isZero();
        assertThat(a).isNotDone();
        clock.advanceMs(1);
        assertThat(runner.runUntilIdle()).isEqualTo(1);
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.NIL_ARRAY, Reply.integer(1));
        assertThat(queue.items).containsExactly("z");
        assertThat(runner.parkedBatches()).isZero();
    }

    @Test
    void shouldKeepTheFirstDeadlineWhenARetryBlocksAgain() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 100");
        runner.runUntilIdle();
        clock.advanceMs(60);
        submit(B, "TRYPOP");
        runner.runUntilIdle();
        assertThat(queue.retries).as("TRYPOP may write: A was asked again, and blocked again").isEqualTo(1);
        clock.advanceMs(41);
        runner.runUntilIdle();
        assertThat(a.get(5, TimeUnit.SECONDS)).as("timed out 101 ms after it first blocked").containsExactly(Reply.NIL_ARRAY);
    }

    @Test
    void shouldNotRetryAfterAReadOnlyCommand() throws Exception {
        runner.startStepped(false);
        submit(A, "POP 0");
        runner.runUntilIdle();
        submit(B, "LEN", "LEN");
        runner.runUntilIdle();
        assertThat(queue.retries).isZero();
    }

    @Test
    void shouldRetryAfterARuntimeTaskThatMayHaveChangedState() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 0");
        runner.runUntilIdle();
        runner.post(() -> queue.items.add("from a task"));
        runner.runUntilIdle();
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("from a task"));
    }

    @Test
    void shouldDropAParkedBatchWhenItsClientClosesSoThatNothingIsPoppedForIt() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 0", "LEN");
        CompletableFuture<List<Reply>> b = submit(B, "POP 0");
        runner.runUntilIdle();
        assertThat(runner.clientClosed(A.sessionId())).isTrue();
        runner.runUntilIdle();
        assertThat(a).as("answered, for nobody: its completion must not hang").isDone();
        assertThat(a.get(5, TimeUnit.SECONDS).get(0)).isInstanceOf(Reply.Error.class);
        assertThat(queue.closed).containsExactly(A.sessionId());
        assertThat(runner.parkedBatches()).isEqualTo(1);
        submit(C, "PUSH x");
        runner.runUntilIdle();
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("x"));
    }

    @Test
    void shouldAnswerParkedBatchesWithTheErrorQueuedOnesGetWhenStopped() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "PUSH x", "POP 0", "POP 0");
        runner.runUntilIdle();
        runner.stop(Duration.ofSeconds(1));
        runner.runUntilIdle();
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.integer(1), Reply.bulk("x"), Reply.error("ERR the process stopped"));
        assertThat(runner.parkedBatches()).isZero();
    }

    @Test
    void shouldNeitherServeNorTimeOutWhileSuspendedAndCatchUpOnResume() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "POP 50");
        CompletableFuture<List<Reply>> b = submit(B, "POP 0");
        runner.runUntilIdle();
        runner.suspend();
        runner.runUntilIdle();
        runner.post(() -> queue.items.add("written while frozen"));
        clock.advanceMs(100);
        runner.runUntilIdle();
        assertThat(a).isNotDone();
        assertThat(b).isNotDone();
        runner.resume();
        runner.runUntilIdle();
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.NIL_ARRAY);
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("written while frozen"));
    }

    @Test
    void shouldHandOffParkedBatchesFirstWithTheirRepliesSoFarMergedWhenTheDestinationAnswers() throws Exception {
        runner.startStepped(false);
        CompletableFuture<List<Reply>> a = submit(A, "PUSH x", "TRYPOP", "POP 5000", "LEN");
        CompletableFuture<List<Reply>> gone = submit(C, "POP 0");
        runner.runUntilIdle();
        runner.suspend();
        runner.runUntilIdle();
        CompletableFuture<List<Reply>> queued = submit(B, "LEN");
        runner.clientClosed(C.sessionId());

        List<ProcessRunner.PendingBatch> pending = runner.handOff();
        assertThat(pending).hasSize(3);
        ProcessRunner.PendingBatch parkedA = pending.get(0);
        assertThat(parkedA.isParked()).isTrue();
        assertThat(parkedA.client()).isEqualTo(A);
        assertThat(Arrays.stream(parkedA.commands()).map(Command::name)).containsExactly("POP", "LEN");
        assertThat(pending.get(1).isParked()).isFalse();
        assertThat(pending.get(1).client()).isEqualTo(B);
        assertThat(pending.get(2).isClientClosed()).as("the closed client's notice travels").isTrue();
        assertThat(gone).as("a closed client's parked batch does not travel").isDone();

        parkedA.completion().complete(new Reply[] {Reply.bulk("y"), Reply.integer(0)});
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.integer(1), Reply.bulk("x"), Reply.bulk("y"), Reply.integer(0));
        assertThat(queued).isNotDone();
        runner.runUntilIdle();
        assertThat(runner.terminated()).isDone();
        assertThat(runner.parkedBatches()).isZero();
    }

    @Test
    void shouldTimeOutOnTimeWithNothingElseHappeningOnAThreadedRunner() throws Exception {
        threaded = true;
        runner = new ProcessRunner(ProcessId.random(), "q", 1, queue, memory, Clock.system(), Map.of(), 64);
        runner.start(false).get(5, TimeUnit.SECONDS);
        long start = System.nanoTime();
        CompletableFuture<List<Reply>> a = submit(A, "POP 80");
        assertThat(a.get(5, TimeUnit.SECONDS)).containsExactly(Reply.NIL_ARRAY);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // No tick and no other command wakes the thread: only its own deadline wait does.
        assertThat(tookMs).isBetween(80L, 1500L);
        CompletableFuture<List<Reply>> forever = submit(B, "POP 0");
        assertThat(runner.submit(Command.of("PUSH", "v")).get(5, TimeUnit.SECONDS)).isEqualTo(Reply.integer(1));
        assertThat(forever.get(5, TimeUnit.SECONDS)).isEqualTo(bulks("v"));
    }
}
