package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** BLPOP and BRPOP on a {@link KvProcess} driven by a stepped runner and a manual clock, as redis-server 7.0.15 answers them. */
class KvBlockingPopTest {
    private static final ClientRef A = new ClientRef(1, "127.0.0.1:1001", "127.0.0.1:6379");
    private static final ClientRef B = new ClientRef(2, "127.0.0.1:1002", "127.0.0.1:6379");
    private static final ClientRef C = new ClientRef(3, "127.0.0.1:1003", "127.0.0.1:6379");

    /** A kv process on a stepped runner over its own memory. */
    private static final class Stepped implements AutoCloseable {
        final ManualClock clock = new ManualClock(1_700_000_000_000L);
        final PagedMemory memory = new PagedMemory(64L << 20, 4096);
        final KvProcess kv = new KvProcess();
        final ProcessRunner runner = new ProcessRunner(ProcessId.random(), "kv", 1, kv, memory, clock, Map.of(), 1024);

        /** Starts it: deployed with fresh memory, or arrived with the memory copied in before. */
        Stepped started(boolean arrived) {
            runner.startStepped(arrived);
            return this;
        }

        CompletableFuture<Reply> send(ClientRef client, String... args) throws InterruptedException {
            CompletableFuture<Reply> f = new CompletableFuture<>();
            runner.submit(client, new Command[] {Command.of(args)}, r -> f.complete(r[0]));
            runner.runUntilIdle();
            return f;
        }

        Reply run(ClientRef client, String... args) throws Exception {
            CompletableFuture<Reply> f = send(client, args);
            assertThat(f).as(String.join(" ", args) + " answered at once").isDone();
            return f.get();
        }

        @Override
        public void close() {
            try {
                runner.stop(Duration.ofSeconds(1)); // stepped: carried out by the next step
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            runner.runUntilIdle();
            memory.close();
        }
    }

    private final Stepped kv = new Stepped().started(false);

    @AfterEach
    void close() {
        kv.close();
    }

    private static Reply pair(String key, String value) {
        return new Reply.Array(List.of(Reply.bulk(key), Reply.bulk(value)));
    }

    private static Reply done(CompletableFuture<Reply> f) throws Exception {
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void shouldPopAtOnceFromTheFirstNonEmptyListInKeyOrder() throws Exception {
        kv.run(A, "RPUSH", "l2", "a", "b", "c");
        kv.run(A, "RPUSH", "l3", "z");
        assertThat(kv.run(A, "BLPOP", "l1", "l2", "l3", "0")).isEqualTo(pair("l2", "a"));
        assertThat(kv.run(A, "BRPOP", "l1", "l2", "0")).isEqualTo(pair("l2", "c"));
        assertThat(kv.run(A, "BRPOP", "l2", "1")).isEqualTo(pair("l2", "b"));
        assertThat(kv.run(A, "EXISTS", "l2")).as("an emptied list is deleted").isEqualTo(Reply.integer(0));
    }

    @Test
    void shouldCheckTheTimeoutFirstThenTheKeysInOrderAsRedisDoes() throws Exception {
        kv.run(A, "SET", "s", "v");
        kv.run(A, "RPUSH", "l", "a");
        assertThat(kv.run(A, "BLPOP", "s", "abc")).isEqualTo(Reply.error("ERR timeout is not a float or out of range"));
        assertThat(kv.run(A, "BLPOP", "s", "-1")).isEqualTo(Reply.error("ERR timeout is negative"));
        assertThat(kv.run(A, "BLPOP", "missing", "s", "0")).isEqualTo(Reply.error(KvError.WRONGTYPE.getMessage()));
        assertThat(kv.run(A, "BLPOP", "l", "s", "0")).as("a list before the string is served").isEqualTo(pair("l", "a"));
        assertThat(kv.run(A, "BLPOP", "l")).isEqualTo(Reply.error("ERR wrong number of arguments for 'blpop' command"));
        assertThat(kv.run(A, "BRPOP")).isEqualTo(Reply.error("ERR wrong number of arguments for 'brpop' command"));
    }

    @Test
    void shouldBlockUntilAnotherClientPushesAndServeItTheHeadOfWhatWasPushed() throws Exception {
        CompletableFuture<Reply> waiting = kv.send(A, "BLPOP", "q", "1");
        assertThat(waiting).isNotDone();
        assertThat(kv.runner.parkedBatches()).isEqualTo(1);
        assertThat(kv.run(B, "LPUSH", "q", "a", "b")).as("the pusher sees the length before the pop").isEqualTo(Reply.integer(2));
        assertThat(done(waiting)).isEqualTo(pair("q", "b"));
        assertThat(kv.run(B, "LRANGE", "q", "0", "-1")).isEqualTo(new Reply.Array(List.of(Reply.bulk("a"))));

        CompletableFuture<Reply> tail = kv.send(A, "BRPOP", "q2", "0");
        kv.run(B, "RPUSH", "q2", "x", "y");
        assertThat(done(tail)).isEqualTo(pair("q2", "y"));
    }

    @Test
    void shouldServeWaitingClientsInTheOrderTheyBlocked() throws Exception {
        CompletableFuture<Reply> first = kv.send(A, "BLPOP", "q", "0");
        CompletableFuture<Reply> second = kv.send(B, "BRPOP", "other", "q", "0");
        kv.run(C, "RPUSH", "q", "1");
        assertThat(done(first)).isEqualTo(pair("q", "1"));
        assertThat(second).isNotDone();
        kv.run(C, "RPUSH", "q", "2");
        assertThat(done(second)).isEqualTo(pair("q", "2"));
    }

    @Test
    void shouldServeAWaiterBeforeTheNextCommandOfThePushersPipeline() throws Exception {
        CompletableFuture<Reply> waiting = kv.send(A, "BLPOP", "q", "0");
        CompletableFuture<Reply[]> pipeline = new CompletableFuture<>();
        kv.runner.submit(B, new Command[] {Command.of("RPUSH", "q", "v"), Command.of("LPOP", "q")}, pipeline::complete);
        kv.runner.runUntilIdle();
        assertThat(done(waiting)).isEqualTo(pair("q", "v"));
        assertThat(pipeline.get(5, TimeUnit.SECONDS)).containsExactly(Reply.integer(1), Reply.NIL);
    }

    @Test
    void shouldTimeOutWithTheNilArrayOnceTheClockIsPastTheDeadline() throws Exception {
        CompletableFuture<Reply> waiting = kv.send(A, "BLPOP", "q", "0.5");
        kv.clock.advanceMs(500);
        kv.runner.runUntilIdle();
        assertThat(waiting).isNotDone();
        kv.clock.advanceMs(1);
        kv.runner.runUntilIdle();
        assertThat(done(waiting)).isEqualTo(Reply.NIL_ARRAY);
        kv.run(B, "RPUSH", "q", "kept");
        assertThat(kv.run(B, "LLEN", "q")).as("nothing popped for a client that timed out").isEqualTo(Reply.integer(1));
    }

    @Test
    void shouldKeepWaitingWhenItsKeyComesToHoldAnotherTypeAsRedisDoes() throws Exception {
        CompletableFuture<Reply> waiting = kv.send(A, "BLPOP", "q", "other", "2");
        kv.run(B, "SET", "q", "a string");
        assertThat(waiting).as("no WRONGTYPE for a woken client").isNotDone();
        kv.run(B, "RPUSH", "other", "x");
        assertThat(done(waiting)).isEqualTo(pair("other", "x"));

        CompletableFuture<Reply> again = kv.send(A, "BLPOP", "q", "2");
        assertThat(done(again)).as("a first try does check the type").isEqualTo(Reply.error(KvError.WRONGTYPE.getMessage()));
        CompletableFuture<Reply> timesOut = kv.send(A, "BLPOP", "other", "1");
        kv.run(B, "SET", "other", "now a string");
        kv.clock.advanceMs(1001);
        kv.runner.runUntilIdle();
        assertThat(done(timesOut)).isEqualTo(Reply.NIL_ARRAY);
    }

    @Test
    void shouldTreatAnExpiredListAsMissing() throws Exception {
        kv.run(B, "RPUSH", "q", "old");
        kv.run(B, "PEXPIRE", "q", "10");
        kv.clock.advanceMs(11);
        CompletableFuture<Reply> waiting = kv.send(A, "BLPOP", "q", "0");
        assertThat(waiting).isNotDone();
        kv.run(B, "RPUSH", "q", "new");
        assertThat(done(waiting)).isEqualTo(pair("q", "new"));
    }

    @Test
    void shouldPopNothingForAClientThatClosedWhileBlocked() throws Exception {
        CompletableFuture<Reply> gone = kv.send(A, "BLPOP", "q", "0");
        kv.runner.clientClosed(A.sessionId());
        kv.runner.runUntilIdle();
        assertThat(gone).isDone();
        kv.run(B, "RPUSH", "q", "v");
        assertThat(kv.run(B, "LLEN", "q")).isEqualTo(Reply.integer(1));
    }

    @Test
    void shouldContinueABlpopParkedAtTheSourceOnTheDestinationOfAMigration() throws Exception {
        kv.run(B, "RPUSH", "unrelated", "1");
        CompletableFuture<Reply> waiting = kv.send(A, "BLPOP", "q", "0");
        kv.runner.suspend();
        kv.runner.runUntilIdle();
        try (Stepped dest = new Stepped()) {
            copyPages(kv.memory, dest.memory);
            dest.started(true);
            List<ProcessRunner.PendingBatch> pending = kv.runner.handOff();
            assertThat(pending).hasSize(1);
            assertThat(pending.get(0).isParked()).isTrue();
            for (ProcessRunner.PendingBatch b : pending) {
                dest.runner.submit(b.client(), b.commands(), b.completion());
            }
            dest.runner.runUntilIdle();
            assertThat(waiting).as("still waiting, now at the destination").isNotDone();
            assertThat(dest.runner.parkedBatches()).isEqualTo(1);
            dest.run(C, "LPUSH", "q", "after the move");
            assertThat(done(waiting)).isEqualTo(pair("q", "after the move"));
            assertThat(dest.run(C, "EXISTS", "q")).isEqualTo(Reply.integer(0));
            assertThat(dest.run(C, "LLEN", "unrelated")).isEqualTo(Reply.integer(1));
        }
    }

    private static void copyPages(PagedMemory from, PagedMemory to) {
        byte[] page = new byte[from.pageSizeBytes()];
        for (long p = 0; p < from.pageCapacity(); p++) {
            if (from.isAllocated(p)) {
                from.readPage(p, page);
                to.installPage(p, page);
            }
        }
    }
}
