package dev.caravan.kv;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher with a data plane that blocks on demand: parked commands, their retries,
 * CLIENT UNBLOCK, reply modes of a parked command, and the RESP2/RESP3 shaping of replies.
 */
class CommandDispatcherTest {
    private static final ClientRef A = new ClientRef(1, "a:1", "l:1");
    private static final ClientRef B = new ClientRef(2, "b:2", "l:1");
    private static final Reply TIMEOUT = Reply.NIL_ARRAY;

    /** GET of key "q" blocks (deadline 99) until {@link #ready} is set; other commands answer OK. */
    private static final class BlockingBackend implements CommandDispatcher.Backend {
        boolean ready;
        final List<Long> disconnected = new ArrayList<>();

        @Override
        public long nowMs() {
            return 0;
        }

        @Override
        public KvStore store() {
            throw new UnsupportedOperationException("no store here");
        }

        @Override
        public Reply runData(Command c) {
            if (c.name().equals("GET") && c.text(1).equals("q")) {
                return ready ? Reply.bulk("item") : new Reply.Blocked(99, TIMEOUT);
            }
            return Reply.OK;
        }

        @Override
        public long collectionMutations() {
            return 0;
        }

        @Override
        public void disconnectClient(long sessionId) {
            disconnected.add(sessionId);
        }

        @Override
        public Password password() {
            return Password.fromConfig(Map.of());
        }
    }

    private final BlockingBackend backend = new BlockingBackend();
    private final CommandDispatcher dispatcher = new CommandDispatcher(new ClientSessions(), new KeyWatches(),
            new CurrentClient(), backend);

    private Reply run(ClientRef c, String... args) {
        return dispatcher.onCommand(c, Command.of(args));
    }

    @Test
    void shouldParkABlockedCommandAndAnswerItsRetry() {
        assertThat(run(A, "GET", "q")).isEqualTo(new Reply.Blocked(99, TIMEOUT));
        assertThat(run(A, "GET", "q")).as("the retry blocks again").isEqualTo(new Reply.Blocked(99, TIMEOUT));
        assertThat(((Reply.Bulk) run(B, "CLIENT", "LIST")).text()).contains("id=1 addr=a:1 laddr=l:1 fd=-1 name= age=0 idle=0 flags=b ");
        backend.ready = true;
        assertThat(run(A, "GET", "q")).isEqualTo(Reply.bulk("item"));
        assertThat(((Reply.Bulk) run(B, "CLIENT", "LIST")).text()).contains(" flags=N ");
    }

    @Test
    void shouldShapeTheTimeoutReplyForResp3AndKeepASkipDecidedBeforeParking() {
        run(A, "HELLO", "3");
        assertThat(run(A, "GET", "q")).isEqualTo(new Reply.Blocked(99, Reply.NULL));
        run(B, "CLIENT", "REPLY", "SKIP");
        assertThat(run(B, "GET", "q")).isEqualTo(new Reply.Blocked(99, Reply.SUPPRESSED));
        backend.ready = true;
        assertThat(run(B, "GET", "q")).as("the retry of a skipped command stays skipped").isEqualTo(Reply.SUPPRESSED);
        assertThat(run(B, "GET", "q")).as("the next one replies").isEqualTo(Reply.bulk("item"));
    }

    @Test
    void shouldEndAParkedCommandOnClientUnblock() {
        run(A, "CLIENT", "ID");
        run(B, "CLIENT", "ID");
        run(A, "GET", "q");
        assertThat(run(B, "CLIENT", "UNBLOCK", "2")).as("B is not blocked").isEqualTo(Reply.integer(0));
        assertThat(run(B, "CLIENT", "UNBLOCK", "1")).isEqualTo(Reply.integer(1));
        assertThat(run(A, "GET", "q")).isEqualTo(TIMEOUT);
        run(A, "GET", "q");
        assertThat(run(B, "CLIENT", "UNBLOCK", "1", "ERROR")).isEqualTo(Reply.integer(1));
        assertThat(run(A, "GET", "q")).isEqualTo(Reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
        assertThat(run(A, "GET", "q")).as("a new command blocks again").isInstanceOf(Reply.Blocked.class);
    }

    @Test
    void shouldNotBlockInsideATransaction() {
        run(A, "MULTI");
        assertThat(run(A, "GET", "q")).isEqualTo(new Reply.Simple("QUEUED"));
        assertThat(run(A, "EXEC")).isEqualTo(new Reply.Array(List.of(TIMEOUT)));
    }

    @Test
    void shouldShapeRepliesForEachProtocolAsRedisDoes() {
        Reply map = new Reply.Map(List.of(Reply.bulk("k"), new Reply.Set(List.of(Reply.bulk("a"))),
                Reply.bulk("d"), new Reply.Double("1.5"), Reply.bulk("b"), new Reply.Bool(true),
                Reply.bulk("n"), Reply.NULL, Reply.bulk("big"), new Reply.BigNumber("123"),
                Reply.bulk("v"), new Reply.Verbatim("txt", new byte[] {'x'}), Reply.bulk("nil"), Reply.NIL));
        assertThat(ProtocolShape.shape(map, 2)).isEqualTo(new Reply.Array(List.of(
                Reply.bulk("k"), new Reply.Array(List.of(Reply.bulk("a"))), Reply.bulk("d"), Reply.bulk("1.5"),
                Reply.bulk("b"), Reply.integer(1), Reply.bulk("n"), Reply.NIL, Reply.bulk("big"), Reply.bulk("123"),
                Reply.bulk("v"), Reply.bulk("x"), Reply.bulk("nil"), Reply.NIL)));
        Reply resp3 = ProtocolShape.shape(map, 3);
        assertThat(((Reply.Map) resp3).keysAndValues()).endsWith(Reply.NULL);
        assertThat(((Reply.Map) resp3).keysAndValues().subList(0, 12)).isEqualTo(((Reply.Map) map).keysAndValues().subList(0, 12));
        Reply plain = new Reply.Array(List.of(Reply.bulk("a"), Reply.integer(1)));
        assertThat(ProtocolShape.shape(plain, 2)).as("nothing to change: the same reply").isSameAs(plain);
        assertThat(ProtocolShape.shape(new Reply.Closing(Reply.NIL_ARRAY), 3)).isEqualTo(new Reply.Closing(Reply.NULL));
    }
}
