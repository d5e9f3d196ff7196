package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.ManualClock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KvProcessTest {
    private final ManualClock clock = new ManualClock(1_700_000_000_000L);
    private PagedMemory memory;
    private KvProcess kv;

    @BeforeEach
    void start() {
        memory = new PagedMemory(256L << 20, 4096);
        kv = new KvProcess();
        kv.onStart(new TestContext(memory, clock), false);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private Reply run(String... args) {
        return kv.onCommand(Command.of(args));
    }

    @Test
    void shouldSetGetAndDelete() {
        assertThat(run("SET", "a", "1")).isEqualTo(Reply.OK);
        assertThat(((Reply.Bulk) run("get", "a")).text()).isEqualTo("1");
        assertThat(run("GET", "missing")).isEqualTo(Reply.NIL);
        assertThat(run("SET", "a", "a much longer value than before")).isEqualTo(Reply.OK);
        assertThat(((Reply.Bulk) run("GET", "a")).text()).isEqualTo("a much longer value than before");
        assertThat(run("EXISTS", "a", "a", "b")).isEqualTo(Reply.integer(2));
        assertThat(run("DEL", "a", "b")).isEqualTo(Reply.integer(1));
        assertThat(run("GET", "a")).isEqualTo(Reply.NIL);
        assertThat(run("DBSIZE")).isEqualTo(Reply.integer(0));
    }

    @Test
    void shouldHonourSetOptions() {
        assertThat(run("SET", "k", "v", "NX")).isEqualTo(Reply.OK);
        assertThat(run("SET", "k", "w", "NX")).isEqualTo(Reply.NIL);
        assertThat(run("SET", "other", "w", "XX")).isEqualTo(Reply.NIL);
        assertThat(run("SET", "k", "w", "XX", "GET").toString()).contains("Bulk");
        assertThat(run("SET", "k", "v", "NX", "XX")).isEqualTo(Reply.error("ERR syntax error"));
        assertThat(run("SET", "k", "v", "EX")).isEqualTo(Reply.error("ERR syntax error"));
        assertThat(run("SET", "k", "v", "EX", "x")).isEqualTo(Reply.error("ERR value is not an integer or out of range"));
        assertThat(run("SET", "k", "v", "EX", "0")).isEqualTo(Reply.error("ERR invalid expire time in 'set' command"));
        assertThat(run("SET", "k", "v", "BOGUS")).isEqualTo(Reply.error("ERR syntax error"));
        assertThat(run("SET", "k", "v", "PX", "1500")).isEqualTo(Reply.OK);
        assertThat(run("PTTL", "k")).isEqualTo(Reply.integer(1500));
        assertThat(run("SET", "k", "v2", "KEEPTTL")).isEqualTo(Reply.OK);
        assertThat(run("TTL", "k")).isEqualTo(Reply.integer(2));
    }

    @Test
    void shouldWordErrorsLikeRedis() {
        assertThat(run("GET")).isEqualTo(Reply.error("ERR wrong number of arguments for 'get' command"));
        assertThat(run("foo", "a", "b")).isEqualTo(
                Reply.error("ERR unknown command 'foo', with args beginning with: 'a' 'b' "));
        assertThat(run("foo")).isEqualTo(Reply.error("ERR unknown command 'foo', with args beginning with: "));
        assertThat(run("MSET", "a", "1", "b")).isEqualTo(Reply.error("ERR wrong number of arguments for 'mset' command"));
        assertThat(run("SELECT", "1")).isEqualTo(Reply.error("ERR DB index is out of range"));
        assertThat(run("SELECT", "x")).isEqualTo(Reply.error("ERR value is not an integer or out of range"));
        assertThat(run("SELECT", "0")).isEqualTo(Reply.OK);
    }

    @Test
    void shouldIncrementAndDecrement() {
        assertThat(run("INCR", "n")).isEqualTo(Reply.integer(1));
        assertThat(run("INCRBY", "n", "41")).isEqualTo(Reply.integer(42));
        assertThat(run("DECR", "n")).isEqualTo(Reply.integer(41));
        assertThat(run("DECRBY", "n", "50")).isEqualTo(Reply.integer(-9));
        assertThat(((Reply.Bulk) run("GET", "n")).text()).isEqualTo("-9");
        run("SET", "s", "abc");
        assertThat(run("INCR", "s")).isEqualTo(Reply.error("ERR value is not an integer or out of range"));
        run("SET", "s", " 1");
        assertThat(run("INCR", "s")).isEqualTo(Reply.error("ERR value is not an integer or out of range"));
        assertThat(run("INCRBY", "n", "x")).isEqualTo(Reply.error("ERR value is not an integer or out of range"));
        run("SET", "max", Long.toString(Long.MAX_VALUE));
        assertThat(run("INCR", "max")).isEqualTo(Reply.error("ERR increment or decrement would overflow"));
    }

    @Test
    void shouldMgetAndMset() {
        assertThat(run("MSET", "a", "1", "b", "2")).isEqualTo(Reply.OK);
        List<Reply> items = ((Reply.Array) run("MGET", "a", "x", "b")).items();
        assertThat(((Reply.Bulk) items.get(0)).text()).isEqualTo("1");
        assertThat(items.get(1)).isEqualTo(Reply.NIL);
        assertThat(((Reply.Bulk) items.get(2)).text()).isEqualTo("2");
    }


    @Test
    void shouldExpireLazilyAndActively() {
        run("SET", "a", "1");
        assertThat(run("TTL", "a")).isEqualTo(Reply.integer(-1));
        assertThat(run("TTL", "none")).isEqualTo(Reply.integer(-2));
        assertThat(run("EXPIRE", "a", "10")).isEqualTo(Reply.integer(1));
        assertThat(run("EXPIRE", "none", "10")).isEqualTo(Reply.integer(0));
        assertThat(run("TTL", "a")).isEqualTo(Reply.integer(10));
        clock.advanceMs(9_000);
        assertThat(run("TTL", "a")).isEqualTo(Reply.integer(1));
        clock.advanceMs(1_000);
        assertThat(run("GET", "a")).isEqualTo(Reply.NIL);
        assertThat(run("DBSIZE")).isEqualTo(Reply.integer(0));

        for (int i = 0; i < 1000; i++) {
            run("SET", "k" + i, "v", "EX", "5");
        }
        run("SET", "keep", "v");
        assertThat(((Reply.Bulk) run("INFO")).text()).contains("db0:keys=1001,expires=1000");
        clock.advanceMs(5_000);
        kv.onTick(clock.nowMs());
        assertThat(run("DBSIZE")).isEqualTo(Reply.integer(1));
        assertThat(((Reply.Bulk) run("INFO")).text()).contains("db0:keys=1,expires=0")
                .startsWith("# Server\r\nredis_version:7.0.15\r\n").contains("expired_keys:1001\r\n");
        assertThat(run("PERSIST", "keep")).isEqualTo(Reply.integer(0));
    }

    @Test
    void shouldAnswerToolCommands() {
        assertThat(run("PING")).isEqualTo(new Reply.Simple("PONG"));
        assertThat(((Reply.Bulk) run("PING", "hi")).text()).isEqualTo("hi");
        assertThat(((Reply.Bulk) run("ECHO", "hi")).text()).isEqualTo("hi");
        assertThat(((Reply.Array) run("COMMAND", "DOCS", "get")).items()).hasSize(2);
        assertThat(((Reply.Int) run("COMMAND", "COUNT")).value()).isEqualTo(CommandTable.SPECS.size()).isGreaterThan(100);
        assertThat(((Reply.Array) run("COMMAND")).items()).hasSizeGreaterThan(20);
        Reply.Array save = (Reply.Array) run("CONFIG", "GET", "save");
        assertThat(save.items()).hasSize(2);
        assertThat(((Reply.Bulk) save.items().get(1)).text()).isEmpty();
        Reply.Array aof = (Reply.Array) run("CONFIG", "GET", "appendonly");
        assertThat(((Reply.Bulk) aof.items().get(1)).text()).isEqualTo("no");
        dev.caravan.core.process.ClientRef client = new dev.caravan.core.process.ClientRef(7, "127.0.0.1:5000", "127.0.0.1:6379");
        assertThat(kv.onCommand(client, Command.of("CLIENT", "SETNAME", "x"))).isEqualTo(Reply.OK);
        assertThat(kv.onCommand(client, Command.of("CLIENT", "GETNAME"))).isEqualTo(Reply.bulk("x"));
        assertThat(run("QUIT")).isEqualTo(Reply.OK);
        assertThat(kv.isReadOnly(Command.of("GET", "a"))).isTrue();
        assertThat(kv.isReadOnly(Command.of("SET", "a", "b"))).isFalse();
        run("SET", "a", "b");
        assertThat(run("FLUSHALL")).isEqualTo(Reply.OK);
        assertThat(run("DBSIZE")).isEqualTo(Reply.integer(0));
    }

    @Test
    void shouldGrowPastSeveralDoublingsAndRestoreFromCopiedPages() {
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            run("SET", "key:" + i, "value:" + i);
        }
        for (int i = 0; i < n; i += 2) {
            run("DEL", "key:" + i);
        }
        assertThat(run("DBSIZE")).isEqualTo(Reply.integer(n / 2));
        for (int i = 1; i < n; i += 2) {
            assertThat(((Reply.Bulk) run("GET", "key:" + i)).text()).isEqualTo("value:" + i);
        }
        run("SET", "ttl", "x", "EX", "100");
        byte[] big = new byte[20 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 7);
        }
        kv.onCommand(new Command(new byte[][] {"SET".getBytes(StandardCharsets.US_ASCII), "big".getBytes(StandardCharsets.US_ASCII), big}));

        try (PagedMemory copy = new PagedMemory(memory.capacityBytes(), memory.pageSizeBytes())) {
            byte[] page = new byte[memory.pageSizeBytes()];
            for (long p = 0; p < memory.pageCapacity(); p++) {
                if (memory.isAllocated(p)) {
                    memory.readPage(p, page);
                    copy.installPage(p, page);
                }
            }
            KvProcess restored = new KvProcess();
            restored.onStart(new TestContext(copy, clock), true);
            assertThat(restored.onCommand(Command.of("DBSIZE"))).isEqualTo(Reply.integer(n / 2 + 2));
            for (int i = 1; i < n; i += 2) {
                assertThat(((Reply.Bulk) restored.onCommand(Command.of("GET", "key:" + i))).text()).isEqualTo("value:" + i);
            }
            assertThat(restored.onCommand(Command.of("GET", "key:0"))).isEqualTo(Reply.NIL);
            assertThat(restored.onCommand(Command.of("TTL", "ttl"))).isEqualTo(Reply.integer(100));
            assertThat(((Reply.Bulk) restored.onCommand(Command.of("GET", "big"))).value()).isEqualTo(big);
            assertThat(restored.onCommand(Command.of("SET", "new", "1"))).isEqualTo(Reply.OK);
        }
    }

    @Test
    void shouldParseMemorySizes() {
        assertThat(KvProcess.parseSize("4g")).isEqualTo(4L << 30);
        assertThat(KvProcess.parseSize("512MB")).isEqualTo(512L << 20);
        assertThat(KvProcess.parseSize("1000")).isEqualTo(1000);
    }
}
