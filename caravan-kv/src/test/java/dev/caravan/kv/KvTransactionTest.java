package dev.caravan.kv;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** MULTI / EXEC / DISCARD / WATCH / UNWATCH across several clients, and across a migration. */
class KvTransactionTest {
    private static final ClientRef A = new ClientRef(11, "127.0.0.1:40001", "127.0.0.1:6379");
    private static final ClientRef B = new ClientRef(22, "127.0.0.1:40002", "127.0.0.1:6379");
    private static final Reply QUEUED = new Reply.Simple("QUEUED");

    @Test
    void shouldQueueThenRunEverythingAtExec() {
        try (KvHarness h = new KvHarness()) {
            assertThat(h.run(A, "MULTI")).isEqualTo(Reply.OK);
            assertThat(h.run(A, "SET", "k", "1")).isEqualTo(QUEUED);
            assertThat(h.run(A, "INCR", "k")).isEqualTo(QUEUED);
            assertThat(h.run(A, "LPUSH", "k", "x")).isEqualTo(QUEUED);
            assertThat(h.run(A, "GET", "k")).isEqualTo(QUEUED);
            assertThat(h.run(B, "GET", "k")).as("nothing ran yet").isEqualTo(Reply.NIL);
            assertThat(h.run(A, "EXEC")).isEqualTo(new Reply.Array(List.of(Reply.OK, Reply.integer(2),
                    Reply.error("WRONGTYPE Operation against a key holding the wrong kind of value"), Reply.bulk("2"))));
            assertThat(h.run(A, "EXEC")).isEqualTo(Reply.error("ERR EXEC without MULTI"));
        }
    }

    @Test
    void shouldForgetQueuedCommandsOnDiscard() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "MULTI");
            h.run(A, "SET", "k", "1");
            assertThat(h.run(A, "DISCARD")).isEqualTo(Reply.OK);
            assertThat(h.run(A, "GET", "k")).isEqualTo(Reply.NIL);
            assertThat(h.run(A, "DISCARD")).isEqualTo(Reply.error("ERR DISCARD without MULTI"));
        }
    }

    @Test
    void shouldAbortExecAfterACommandWasRefusedWhileQueueing() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "MULTI");
            assertThat(h.run(A, "MULTI")).isEqualTo(Reply.error("ERR MULTI calls can not be nested"));
            assertThat(h.run(A, "WATCH", "k")).isEqualTo(Reply.error("ERR WATCH inside MULTI is not allowed"));
            h.run(A, "SET", "k", "1");
            assertThat(h.run(A, "NOPE", "x")).isEqualTo(Reply.error("ERR unknown command 'NOPE', with args beginning with: 'x' "));
            assertThat(h.run(A, "EXEC")).isEqualTo(Reply.error("EXECABORT Transaction discarded because of previous errors."));
            assertThat(h.run(A, "GET", "k")).isEqualTo(Reply.NIL);
            h.run(A, "MULTI");
            assertThat(h.run(A, "CLIENT", "SETNAME")).isEqualTo(Reply.error("ERR wrong number of arguments for 'client|setname' command"));
            assertThat(h.run(A, "EXEC")).isEqualTo(Reply.error("EXECABORT Transaction discarded because of previous errors."));
            h.run(A, "MULTI");
            h.run(A, "SET", "k", "1");
            assertThat(h.run(A, "EXEC", "now")).isEqualTo(
                    Reply.error("EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command"));
            assertThat(h.run(A, "EXEC")).as("the transaction is gone").isEqualTo(Reply.error("ERR EXEC without MULTI"));
        }
    }

    @Test
    void shouldRunConnectionCommandsQueuedInsideExec() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "MULTI");
            h.run(A, "GET", "missing");
            h.run(A, "HELLO", "3");
            h.run(A, "GET", "missing");
            h.run(A, "CLIENT", "SETNAME", "in-exec");
            h.run(A, "PING");
            Reply.Array r = (Reply.Array) h.run(A, "EXEC");
            assertThat(r.items().get(0)).as("RESP2 before HELLO").isEqualTo(Reply.NIL);
            assertThat(r.items().get(1)).isInstanceOf(Reply.Map.class);
            assertThat(r.items().subList(2, 5)).containsExactly(Reply.NULL, Reply.OK, new Reply.Simple("PONG"));
            assertThat(h.run(A, "CLIENT", "GETNAME")).isEqualTo(Reply.bulk("in-exec"));
        }
    }

    @Test
    void shouldFailExecWhenAnotherClientChangedAWatchedKey() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "SET", "balance", "10");
            assertThat(h.run(A, "WATCH", "balance", "other")).isEqualTo(Reply.OK);
            h.run(A, "MULTI");
            h.run(A, "INCRBY", "balance", "5");
            assertThat(h.run(B, "SET", "balance", "100")).isEqualTo(Reply.OK);
            assertThat(h.run(A, "EXEC")).isEqualTo(Reply.NIL_ARRAY);
            assertThat(h.run(A, "GET", "balance")).isEqualTo(Reply.bulk("100"));
            h.run(A, "HELLO", "3");
            h.run(A, "WATCH", "balance");
            h.run(B, "DEL", "balance");
            h.run(A, "MULTI");
            assertThat(h.run(A, "EXEC")).as("RESP3 null").isEqualTo(Reply.NULL);
        }
    }

    @Test
    void shouldInvalidateWatchesOnEveryKindOfChange() {
        assertInvalidated("SET by the watcher itself", h -> h.run(A, "SET", "w", "x"));
        assertInvalidated("DEL", h -> h.run(B, "DEL", "w"));
        assertInvalidated("UNLINK", h -> h.run(B, "UNLINK", "w"));
        assertInvalidated("RENAME away", h -> h.run(B, "RENAME", "w", "elsewhere"));
        assertInvalidated("RENAME onto", h -> h.run(B, "RENAME", "hash", "w"));
        assertInvalidated("EXPIRE", h -> h.run(B, "EXPIRE", "w", "100"));
        assertInvalidated("APPEND", h -> h.run(B, "APPEND", "w", "more"));
        assertInvalidated("FLUSHALL", h -> h.run(B, "FLUSHALL"));
        assertInvalidated("FLUSHDB", h -> h.run(B, "FLUSHDB"));
        assertInvalidated("expiry", h -> {
            h.run(B, "PEXPIRE", "slow", "500");
            h.run(A, "WATCH", "slow");
            h.clock.advanceMs(1000);
        });
        assertInvalidated("active expiry", h -> {
            h.run(B, "PEXPIRE", "slow", "500");
            h.run(A, "WATCH", "slow");
            h.clock.advanceMs(1000);
            h.kv.onTick(h.clock.nowMs());
        });
        assertInvalidated("HSET of an existing field", h -> h.run(B, "HSET", "hash", "f", "v"));
        assertInvalidated("HDEL", h -> h.run(B, "HDEL", "hash", "f"));
        assertInvalidated("LPUSH onto an existing list", h -> h.run(B, "LPUSH", "list", "more"));
        assertInvalidated("LSET", h -> h.run(B, "LSET", "list", "0", "changed"));
        assertInvalidated("SADD of a new member", h -> h.run(B, "SADD", "set", "new"));
        assertInvalidated("ZADD moving a score", h -> h.run(B, "ZADD", "zset", "5", "m"));
    }

    @Test
    void shouldKeepWatchesWhenNothingChanged() {
        assertKept("reads", h -> {
            h.run(B, "GET", "w");
            h.run(B, "HGETALL", "hash");
        });
        assertKept("DEL of a missing key", h -> h.run(B, "DEL", "missing"));
        assertKept("FLUSHALL while the watched key is missing", h -> {
            h.run(A, "UNWATCH");
            h.run(A, "WATCH", "missing");
            h.run(B, "FLUSHALL");
        });
        assertKept("changes to other keys", h -> h.run(B, "SET", "unrelated", "1"));
        assertKept("SADD of an existing member", h -> h.run(B, "SADD", "set", "a"));
        assertKept("HDEL of a missing field", h -> h.run(B, "HDEL", "hash", "nope"));
        assertKept("ZADD of the same score", h -> h.run(B, "ZADD", "zset", "1", "m"));
        assertKept("an expired key watched, then deleted", h -> {
            h.run(B, "PEXPIRE", "gone", "10");
            h.clock.advanceMs(20);
            h.run(A, "WATCH", "gone");
            h.run(B, "GET", "gone");
        });
        assertKept("UNWATCH after a change", h -> {
            h.run(B, "SET", "w", "changed");
            h.run(A, "UNWATCH");
        });
    }

    /** A watches w, hash, list, set and zset; {@code change} runs; EXEC must fail. */
    private static void assertInvalidated(String what, Consumer<KvHarness> change) {
        try (KvHarness h = watching()) {
            change.accept(h);
            h.run(A, "MULTI");
            h.run(A, "SET", "done", "1");
            assertThat(h.run(A, "EXEC")).as(what).isEqualTo(Reply.NIL_ARRAY);
            assertThat(h.run(A, "EXISTS", "done")).as(what).isEqualTo(Reply.integer(0));
        }
    }

    private static void assertKept(String what, Consumer<KvHarness> change) {
        try (KvHarness h = watching()) {
            change.accept(h);
            h.run(A, "MULTI");
            h.run(A, "SET", "done", "1");
            assertThat(h.run(A, "EXEC")).as(what).isEqualTo(new Reply.Array(List.of(Reply.OK)));
        }
    }

    private static KvHarness watching() {
        KvHarness h = new KvHarness();
        h.run(B, "SET", "w", "v");
        h.run(B, "SET", "slow", "v");
        h.run(B, "SET", "gone", "v");
        h.run(B, "HSET", "hash", "f", "v");
        h.run(B, "RPUSH", "list", "a", "b");
        h.run(B, "SADD", "set", "a");
        h.run(B, "ZADD", "zset", "1", "m");
        h.run(A, "WATCH", "w", "hash", "list", "set", "zset");
        return h;
    }

    @Test
    void shouldExecATransactionOpenedBeforeAMigrationAfterIt() {
        try (KvHarness h = new KvHarness()) {
            h.run(A, "SET", "counter", "1");
            h.run(A, "WATCH", "counter");
            h.run(A, "MULTI");
            h.run(A, "INCR", "counter");
            h.run(A, "RPUSH", "log", "incremented");
            h.run(B, "WATCH", "guard");
            h.run(B, "MULTI");
            h.run(B, "SET", "b", "1");
            try (KvHarness d = h.migrate()) {
                assertThat(d.run(A, "EXEC")).isEqualTo(new Reply.Array(List.of(Reply.integer(2), Reply.integer(1))));
                assertThat(d.run(A, "SET", "guard", "touched")).as("a watch that travelled still fires").isEqualTo(Reply.OK);
                assertThat(d.run(B, "EXEC")).isEqualTo(Reply.NIL_ARRAY);
                assertThat(d.run(B, "EXISTS", "b")).isEqualTo(Reply.integer(0));
            }
        }
    }

    @Test
    void shouldBoundWhatTransactionsAndWatchesHoldBecauseItTravelsWithTheProcess() {
        try (KvHarness h = new KvHarness()) {
            String big = "v".repeat(1 << 20);
            h.run(A, "MULTI");
            for (int i = 0; i < 15; i++) {
                assertThat(h.run(A, "SET", "k" + i, big)).isEqualTo(QUEUED);
            }
            assertThat(h.run(B, "MULTI")).isEqualTo(Reply.OK);
            assertThat(h.run(B, "SET", "b", big)).as("the budget is shared by all clients").asString().contains("transaction too large");
            assertThat(h.run(B, "EXEC")).isEqualTo(Reply.error("EXECABORT Transaction discarded because of previous errors."));
            assertThat(h.run(A, "EXEC")).asString().contains("Array");
            h.run(B, "MULTI");
            assertThat(h.run(B, "SET", "b", big)).as("EXEC gave the budget back").isEqualTo(QUEUED);
            h.run(B, "DISCARD");
            String key = "k".repeat(1 << 20);
            for (int i = 0; i < 7; i++) {
                assertThat(h.run(A, "WATCH", key + i)).isEqualTo(Reply.OK);
            }
            assertThat(h.run(B, "WATCH", key + "b")).asString().contains("too many watched keys");
            h.run(A, "UNWATCH");
            assertThat(h.run(B, "WATCH", key + "b")).isEqualTo(Reply.OK);
        }
    }

    @Test
    void shouldAnswerABlockedCommandInsideExecWithItsTimeoutReply() {
        ClientSessions sessions = new ClientSessions();
        KeyWatches watches = new KeyWatches();
        Transactions tx = new Transactions(sessions, watches, () -> null);
        ClientSession s = sessions.open(A, 0, true);
        s.multi = true;
        sessions.queue(s, dev.caravan.wire.command.Command.of("BLPOP", "q", "0"));
        Reply r = tx.exec(s, 0, (session, c) -> new Reply.Blocked(0, Reply.NIL_ARRAY));
        assertThat(r).isEqualTo(new Reply.Array(List.of(Reply.NIL_ARRAY)));
        assertThat(s.multi).isFalse();
    }
}
