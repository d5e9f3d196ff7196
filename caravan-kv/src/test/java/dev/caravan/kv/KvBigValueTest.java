package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * String values over the off-heap threshold: every string command that takes or returns a
 * value handles them without a heap copy, byte for byte as redis-server does; other commands
 * refuse them with an error naming the argument.
 */
class KvBigValueTest {
    private static final int BIG = 3 * (1 << 20) + 5;

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A command whose arguments longer than 1 MiB are off-heap, as an endpoint hands them over. */
    private static Command command(Object... parts) {
        byte[][] args = new byte[parts.length][];
        OffHeapBytes[] off = new OffHeapBytes[parts.length];
        for (int i = 0; i < parts.length; i++) {
            byte[] b = parts[i] instanceof String s ? ascii(s) : (byte[]) parts[i];
            if (b.length > StringValues.HEAP_VALUE_BYTES) {
                off[i] = OffHeapBytes.copyOf(b);
            } else {
                args[i] = b;
            }
        }
        return new Command(args, off);
    }

    /** Runs a command as an endpoint would: the endpoint releases the command afterwards. */
    private static Reply run(KvHarness kv, Object... parts) {
        Command c = command(parts);
        try {
            return kv.kv.onCommand(c);
        } finally {
            c.release();
        }
    }

    /** The bytes of a bulk reply, heap or off-heap (released). */
    private static byte[] value(Reply r) {
        return switch (r) {
            case Reply.Bulk b -> b.value();
            case Reply.OffHeapBulk b -> {
                byte[] v = b.value().toByteArray(Integer.MAX_VALUE - 8);
                Reply.release(b);
                yield v;
            }
            default -> throw new AssertionError("not a bulk: " + r);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void shouldStoreAndServeBigValuesThroughEveryStringCommand() {
        byte[] v1 = bytes(BIG, 1);
        byte[] v2 = bytes(BIG + 100, 2);
        try (KvHarness kv = new KvHarness()) {
            assertThat(run(kv, "SET", "k", v1)).isEqualTo(Reply.OK);
            Reply got = run(kv, "GET", "k");
            assertThat(got).as("answered off the heap").isInstanceOf(Reply.OffHeapBulk.class);
            assertThat(value(got)).isEqualTo(v1);
            assertThat(run(kv, "STRLEN", "k")).isEqualTo(Reply.integer(BIG));
            assertThat(value(run(kv, "SET", "k", v2, "GET"))).isEqualTo(v1);
            assertThat(value(run(kv, "GETSET", "k", v1))).isEqualTo(v2);
            assertThat(value(run(kv, "GETEX", "k", "EX", "100"))).isEqualTo(v1);
            assertThat(run(kv, "TTL", "k")).isEqualTo(Reply.integer(100));
            assertThat(value(run(kv, "GETDEL", "k"))).isEqualTo(v1);
            assertThat(run(kv, "EXISTS", "k")).isEqualTo(Reply.integer(0));

            assertThat(run(kv, "SETNX", "n", v1)).isEqualTo(Reply.integer(1));
            assertThat(run(kv, "SETNX", "n", v2)).isEqualTo(Reply.integer(0));
            assertThat(run(kv, "SETEX", "e", "50", v2)).isEqualTo(Reply.OK);
            assertThat(run(kv, "PSETEX", "p", "50000", v1)).isEqualTo(Reply.OK);
            assertThat(value(run(kv, "GET", "e"))).isEqualTo(v2);
            assertThat(run(kv, "PTTL", "p")).isEqualTo(Reply.integer(50000));
            assertThat(run(kv, "SET", "x", v2, "NX", "PX", "1000", "GET")).isEqualTo(Reply.NIL);
            assertThat(value(run(kv, "SET", "x", "small", "KEEPTTL", "GET"))).isEqualTo(v2);

            assertThat(run(kv, "MSET", "m1", v1, "m2", "tiny", "m3", v2)).isEqualTo(Reply.OK);
            List<Reply> items = ((Reply.Array) run(kv, "MGET", "m1", "m2", "nope", "m3")).items();
            assertThat(value(items.get(0))).isEqualTo(v1);
            assertThat(value(items.get(1))).isEqualTo(ascii("tiny"));
            assertThat(items.get(2)).isEqualTo(Reply.NIL);
            assertThat(value(items.get(3))).isEqualTo(v2);
            assertThat(run(kv, "MSETNX", "m1", v2, "fresh", v2)).isEqualTo(Reply.integer(0));
        }
    }

    @Test
    void shouldAppendAndRewriteRangesInPlace() {
        byte[] v1 = bytes(BIG, 3);
        byte[] v2 = bytes(BIG, 4);
        try (KvHarness kv = new KvHarness()) {
            assertThat(run(kv, "APPEND", "a", v1)).isEqualTo(Reply.integer(BIG));
            assertThat(run(kv, "EXPIRE", "a", "1000")).isEqualTo(Reply.integer(1));
            assertThat(run(kv, "APPEND", "a", v2)).isEqualTo(Reply.integer(2L * BIG));
            assertThat(run(kv, "TTL", "a")).as("APPEND keeps the expiry").isEqualTo(Reply.integer(1000));
            assertThat(value(run(kv, "GET", "a"))).isEqualTo(concat(v1, v2));
            assertThat(value(run(kv, "GETRANGE", "a", String.valueOf(BIG - 10), String.valueOf(BIG + 9))))
                    .isEqualTo(Arrays.copyOfRange(concat(v1, v2), BIG - 10, BIG + 10));
            assertThat(value(run(kv, "GETRANGE", "a", "1", "-1"))).isEqualTo(Arrays.copyOfRange(concat(v1, v2), 1, 2 * BIG));

            assertThat(run(kv, "SETRANGE", "a", "5", v2)).isEqualTo(Reply.integer(2L * BIG));
            byte[] expected = concat(v1, v2);
            System.arraycopy(v2, 0, expected, 5, v2.length);
            assertThat(value(run(kv, "GET", "a"))).isEqualTo(expected);

            long gap = 2L * BIG + 1000;
            assertThat(run(kv, "SETRANGE", "a", String.valueOf(gap), v1)).isEqualTo(Reply.integer(gap + BIG));
            byte[] grown = Arrays.copyOf(expected, (int) gap + BIG);
            System.arraycopy(v1, 0, grown, (int) gap, BIG);
            assertThat(value(run(kv, "GET", "a"))).as("the gap reads as zeros").isEqualTo(grown);

            assertThat(run(kv, "SETRANGE", "fresh", "7", v1)).isEqualTo(Reply.integer(7 + BIG));
            byte[] fresh = new byte[7 + BIG];
            System.arraycopy(v1, 0, fresh, 7, BIG);
            assertThat(value(run(kv, "GET", "fresh"))).isEqualTo(fresh);
        }
    }

    @Test
    void shouldMoveBigValuesWithRenameAndMigration() {
        byte[] v = bytes(BIG, 5);
        try (KvHarness kv = new KvHarness()) {
            run(kv, "SET", "from", v);
            assertThat(run(kv, "RENAME", "from", "to")).isEqualTo(Reply.OK);
            assertThat(value(run(kv, "GET", "to"))).isEqualTo(v);
            try (KvHarness moved = kv.migrate()) {
                assertThat(value(run(moved, "GET", "to"))).isEqualTo(v);
                assertThat(run(moved, "STRLEN", "to")).isEqualTo(Reply.integer(BIG));
            }
        }
    }

    @Test
    void shouldRefuseBigArgumentsWhereOnlySmallOnesFit() {
        byte[] v = bytes(BIG, 6);
        try (KvHarness kv = new KvHarness()) {
            assertThat(run(kv, "HSET", "h", "f", v)).isEqualTo(Reply.error("ERR argument 3 of 'hset' is " + BIG
                    + " bytes; only the values of SET, SETNX, SETEX, PSETEX, GETSET, APPEND, SETRANGE, MSET and MSETNX"
                    + " may be longer than 1048576 bytes"));
            assertThat(run(kv, "SET", v, "value")).isInstanceOf(Reply.Error.class);
            assertThat(run(kv, "MSET", "k", "v", v, "v")).isInstanceOf(Reply.Error.class);
            assertThat(run(kv, "GET", "k", v)).isEqualTo(Reply.wrongArity("GET"));
            assertThat(((Reply.Error) run(kv, "NOSUCH", v)).text())
                    .startsWith("ERR unknown command 'NOSUCH', with args beginning with: ");
            assertThat(run(kv, "DBSIZE")).isEqualTo(Reply.integer(0));
        }
    }

    /** As {@link #run(KvHarness, Object...)}, from a client's session. */
    private static Reply run(KvHarness kv, ClientRef client, Object... parts) {
        Command c = command(parts);
        try {
            return kv.kv.onCommand(client, c);
        } finally {
            c.release();
        }
    }

    @Test
    void shouldRefuseToQueueABigValueInATransactionAndDoomIt() {
        ClientRef a = new ClientRef(7, "127.0.0.1:40001", "127.0.0.1:6379");
        byte[] v = bytes(BIG, 9);
        try (KvHarness kv = new KvHarness()) {
            assertThat(run(kv, a, "MULTI")).isEqualTo(Reply.OK);
            assertThat(run(kv, a, "SET", "small", "1")).isEqualTo(new Reply.Simple("QUEUED"));
            assertThat(run(kv, a, "SET", "big", v)).isEqualTo(Reply.error("ERR values over 1048576 bytes (1 MiB) cannot be"
                    + " queued in a transaction; send this command outside MULTI"));
            assertThat(run(kv, a, "EXEC")).isEqualTo(Reply.error("EXECABORT Transaction discarded because of previous errors."));
            assertThat(run(kv, "EXISTS", "small", "big")).isEqualTo(Reply.integer(0));
            // Outside MULTI the same command runs, and the session's state still travels in a migration.
            assertThat(run(kv, a, "SET", "big", v)).isEqualTo(Reply.OK);
            try (KvHarness moved = kv.migrate()) {
                assertThat(value(run(moved, a, "GET", "big"))).isEqualTo(v);
            }
        }
    }

    @Test
    void shouldInvalidateWatchesWhenABigValueIsAppendedOrRewrittenInPlace() {
        ClientRef a = new ClientRef(7, "127.0.0.1:40001", "127.0.0.1:6379");
        byte[] v = bytes(BIG, 10);
        for (Object[] change : List.of(new Object[] {"APPEND", "w", v}, new Object[] {"SETRANGE", "w", "0", v},
                new Object[] {"SETRANGE", "w", "0", "same-length"})) {
            try (KvHarness kv = new KvHarness()) {
                run(kv, "SET", "w", bytes(2 * BIG, 11));
                run(kv, a, "WATCH", "w");
                run(kv, change);
                run(kv, a, "MULTI");
                run(kv, a, "SET", "done", "1");
                assertThat(run(kv, a, "EXEC")).as(change[0] + " " + change[2]).isEqualTo(Reply.NIL_ARRAY);
            }
        }
    }

    @Test
    void shouldNameABigSubcommandInItsUnknownSubcommandError() {
        try (KvHarness kv = new KvHarness()) {
            Reply r = run(kv, "CONFIG", bytes(BIG, 12));
            assertThat(r).isInstanceOf(Reply.Error.class);
            assertThat(((Reply.Error) r).text()).startsWith("ERR ");
            Command c = command("CONFIG", bytes(BIG, 12));
            try {
                assertThat(kv.kv.isReadOnly(c)).as("asked by the runtime before the command runs").isFalse();
            } finally {
                c.release();
            }
        }
    }

    @Test
    void shouldRefuseToGrowAStringPast512MiBAsRedisDoes() {
        try (KvHarness kv = new KvHarness()) {
            run(kv, "SET", "s", "x");
            assertThat(run(kv, "SETRANGE", "s", String.valueOf(512L << 20), "y"))
                    .isEqualTo(Reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)"));
        }
    }

    @Test
    void shouldAnswerBigValuesByteForByteAsRedisServerDoes() throws IOException {
        byte[] v1 = bytes(BIG, 7);
        byte[] v2 = bytes(2 * BIG, 8);
        List<Command> sequence = new ArrayList<>();
        sequence.add(Command.of("FLUSHALL"));
        sequence.add(new Command(new byte[][] {ascii("SET"), ascii("k"), v1}));
        sequence.add(Command.of("GET", "k"));
        sequence.add(new Command(new byte[][] {ascii("APPEND"), ascii("k"), v2}));
        sequence.add(Command.of("GETRANGE", "k", "100", "-100"));
        sequence.add(new Command(new byte[][] {ascii("SETRANGE"), ascii("k"), ascii("4000000"), v1}));
        sequence.add(Command.of("STRLEN", "k"));
        sequence.add(new Command(new byte[][] {ascii("SET"), ascii("k"), v2, ascii("GET")}));
        sequence.add(new Command(new byte[][] {ascii("MSET"), ascii("a"), v1, ascii("b"), ascii("small")}));
        sequence.add(Command.of("MGET", "a", "b", "k"));
        sequence.add(Command.of("GETDEL", "a"));
        try (RedisServerProcess redis = RedisServerProcess.start(); PagedMemory memory = new PagedMemory(256L << 20, 4096)) {
            KvProcess process = new KvProcess();
            process.onStart(new TestContext(memory, Clock.system()), false);
            try (KvSocketFront front = new KvSocketFront(process); RawRespClient r = new RawRespClient(redis.port());
                 RawRespClient k = new RawRespClient(front.port())) {
                for (Command c : sequence) {
                    assertThat(k.call(c).bytes()).as(c.toString()).isEqualTo(r.call(c).bytes());
                }
            }
        }
    }
}
