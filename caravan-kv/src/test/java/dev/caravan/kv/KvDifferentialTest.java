package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespWriter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test: the same command sequences go to a real redis-server 7.0 and to a
 * {@link KvProcess}, and every reply must be the same bytes, errors included.
 *
 * <p>The scripted sequences are the files under {@code diff/} in {@link DiffScript}'s format,
 * each run on fresh connections after a FLUSHALL, against redis-server and the kv process
 * behind a real socket ({@link KvSocketFront}). Two tags run elsewhere until the work they
 * need has landed, and are easy to find by grepping the scripts: {@code [resp3]} sequences
 * (they start with HELLO 3) and {@code [protocol-errors]} sequences run against the process
 * called directly ({@link DiffEndpoint.Direct}: the test plays the client's HELLO and the
 * node front's protocol-error reply) until {@link #KV_SERVES_HELLO} and
 * {@link #FRONT_ANSWERS_PROTOCOL_ERRORS} are set; {@code [sessions]} sequences (QUIT, CLIENT
 * names, SELECT) are skipped until {@link #KV_SERVES_SESSIONS} is set.
 *
 * <p>Random sequences come from {@link RandomCommands} with a seed printed on failure
 * ({@code -Dkv.diff.seed=N} replays it); a command marked {@code ~} there has a reply whose
 * order Redis leaves unspecified, compared as a sorted multiset.
 */
class KvDifferentialTest {
    /** Set when the process answers HELLO itself (helper sess-kv): [resp3] sequences then go through the socket. */
    static final boolean KV_SERVES_HELLO = true;
    /** Set when {@link KvSocketFront} answers a protocol error and closes, as the node does. */
    static final boolean FRONT_ANSWERS_PROTOCOL_ERRORS = true;
    /** Set when the process keeps per-connection state (QUIT, CLIENT SETNAME/GETNAME, SELECT). */
    static final boolean KV_SERVES_SESSIONS = true;
    static final String[] SCRIPTS = {
        "diff/strings.txt", "diff/keys.txt", "diff/hashes.txt", "diff/lists.txt", "diff/sets.txt",
        "diff/zsets.txt", "diff/server.txt", "diff/protocol.txt", "diff/resp3.txt",
    };
    private static final int RANDOM_SEQUENCES = 300;
    private static final int RANDOM_LENGTH = 40;

    private static RedisServerProcess redis;
    private static PagedMemory memory;
    private static KvSocketFront front;
    private static PagedMemory directMemory;
    private static KvProcess direct;
    /** Clients of the random tests, opened by {@link #openClients}: the test front serves one connection at a time. */
    private RawRespClient redisClient;
    private RawRespClient kvClient;

    @BeforeAll
    static void start() throws IOException {
        redis = RedisServerProcess.start();
        memory = new PagedMemory(256L << 20, 4096);
        KvProcess kv = new KvProcess();
        kv.onStart(new TestContext(memory, Clock.system()), false);
        front = new KvSocketFront(kv);
        directMemory = new PagedMemory(256L << 20, 4096);
        direct = new KvProcess();
        direct.onStart(new TestContext(directMemory, Clock.system()), false);
    }

    @AfterAll
    static void stop() throws IOException {
        try (RedisServerProcess r = redis; KvSocketFront f = front) {
            assertThat(r).isNotNull();
            assertThat(f).isNotNull();
        } finally {
            if (memory != null) {
                memory.close();
            }
            if (directMemory != null) {
                directMemory.close();
            }
        }
    }

    @Test
    void shouldAnswerEveryScriptedSequenceLikeRedisServer() throws IOException {
        String only = System.getProperty("kv.diff.only");
        List<DiffScript.Sequence> sequences = DiffScript.load(prefixed(only == null ? SCRIPTS : only.split(",")));
        DiffRunner runner = new DiffRunner(redis.port(), front.port(), direct, KV_SERVES_HELLO,
                FRONT_ANSWERS_PROTOCOL_ERRORS, KV_SERVES_SESSIONS);
        List<String> mismatches = new ArrayList<>();
        for (DiffScript.Sequence sequence : sequences) {
            runner.run(sequence, mismatches);
        }
        System.out.println("differential suite: " + runner.summary());
        if (only == null) {
            assertThat(sequences.size()).as("scripted sequences").isGreaterThan(300);
        }
        assertThat(String.join("\n", mismatches.subList(0, Math.min(40, mismatches.size()))))
                .as("%d replies differ from redis-server's (%s)", mismatches.size(), runner.summary()).isEmpty();
    }

    private static String[] prefixed(String[] names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = "/dev/caravan/kv/" + names[i];
        }
        return out;
    }

    @Test
    void shouldAnswerRandomMixedCommandsLikeRedisServer() throws IOException {
        openClients();
        long seed = Long.getLong("kv.diff.seed", System.nanoTime());
        List<String> mismatches = new ArrayList<>();
        RandomCommands commands = new RandomCommands(seed);
        for (int s = 0; s < RANDOM_SEQUENCES && mismatches.isEmpty(); s++) {
            flush();
            List<String> trail = new ArrayList<>();
            for (int i = 0; i < RANDOM_LENGTH && mismatches.isEmpty(); i++) {
                String line = String.join(" ", quoteAll(commands.next()));
                trail.add(line);
                compare(line, mismatches);
            }
            compare("~KEYS *", mismatches);
            if (!mismatches.isEmpty()) {
                mismatches.add("after: " + String.join(" | ", trail));
            }
        }
        assertThat(mismatches).as("replies that differ from redis-server's with seed %d (-Dkv.diff.seed=%d replays)", seed, seed)
                .isEmpty();
    }

    @Test
    void shouldAnswerLikeRedisServerOnLargeCollections() throws IOException {
        openClients();
        long seed = Long.getLong("kv.diff.seed", System.nanoTime());
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        List<String> mismatches = new ArrayList<>();
        flush();
        for (int batch = 0; batch < 40; batch++) {
            List<String> push = new ArrayList<>(List.of(batch % 3 == 0 ? "LPUSH" : "RPUSH", "l"));
            List<String> zadd = new ArrayList<>(List.of("ZADD", "z"));
            for (int i = 0; i < 100; i++) {
                push.add("e" + random.nextInt(500) + "x".repeat(random.nextInt(3) * 30));
                zadd.add(random.nextInt(4) == 0 ? (random.nextInt(2000) - 1000) / 8.0 + "" : Integer.toString(random.nextInt(300)));
                zadd.add("m" + random.nextInt(3000));
            }
            compare(String.join(" ", push), mismatches);
            compare(String.join(" ", zadd), mismatches);
        }
        for (int i = 0; i < 60; i++) {
            compare("HSET h f" + random.nextInt(80) + " v" + i, mismatches);
        }
        String[] ops = {
            "LINDEX l %i", "LRANGE l %i %i", "LSET l %i new", "LREM l %c e%e", "LPOP l %n", "RPOP l %n", "LLEN l",
            "ZRANK z m%m", "ZSCORE z m%m", "ZRANGE z %i %i WITHSCORES", "ZRANGE z %s %s BYSCORE LIMIT %n %n",
            "ZRANGE z %s %s BYSCORE REV WITHSCORES", "ZCOUNT z %s %s", "ZREM z m%m m%m", "ZINCRBY z %s m%m",
            "ZPOPMIN z %n", "ZPOPMAX z", "ZCARD z", "HGETALL h", "HDEL h f%h", "HSET h f%h w",
        };
        for (int i = 0; i < 1500 && mismatches.size() < 5; i++) {
            String op = ops[random.nextInt(ops.length)];
            StringBuilder line = new StringBuilder();
            for (int k = 0; k < op.length(); k++) {
                if (op.charAt(k) != '%') {
                    line.append(op.charAt(k));
                    continue;
                }
                line.append(switch (op.charAt(++k)) {
                    case 'i' -> Integer.toString(random.nextInt(9000) - 4500);
                    case 'c' -> Integer.toString(random.nextInt(7) - 3);
                    case 'e' -> Integer.toString(random.nextInt(500));
                    case 'n' -> Integer.toString(random.nextInt(12));
                    case 'm' -> Integer.toString(random.nextInt(3000));
                    case 'h' -> Integer.toString(random.nextInt(80));
                    default -> (random.nextInt(3) == 0 ? "(" : "") + (random.nextInt(400) - 50);
                });
            }
            compare(line.toString(), mismatches);
        }
        compare("LRANGE l 0 -1", mismatches);
        compare("ZRANGE z 0 -1 WITHSCORES", mismatches);
        assertThat(mismatches).as("replies that differ from redis-server's with seed %d (-Dkv.diff.seed=%d replays)", seed, seed)
                .isEmpty();
    }

    private void openClients() throws IOException {
        redisClient = new RawRespClient(redis.port());
        kvClient = new RawRespClient(front.port());
    }

    @AfterEach
    void closeClients() throws IOException {
        if (redisClient != null) {
            redisClient.close();
            redisClient = null;
        }
        if (kvClient != null) {
            kvClient.close();
            kvClient = null;
        }
    }

    private void flush() throws IOException {
        redisClient.call(Command.of("FLUSHALL"));
        kvClient.call(Command.of("FLUSHALL"));
    }

    private void compare(String line, List<String> mismatches) throws IOException {
        boolean unordered = line.startsWith("~");
        List<String> args = tokenize(unordered ? line.substring(1) : line);
        Command c = Command.of(args.toArray(String[]::new));
        RawRespClient.Raw expected = redisClient.call(c);
        RawRespClient.Raw actual = kvClient.call(c);
        byte[] want = unordered ? sorted(expected.reply()) : expected.bytes();
        byte[] got = unordered ? sorted(actual.reply()) : actual.bytes();
        if (!Arrays.equals(want, got)) {
            mismatches.add(line + "\n    redis: " + show(want) + "\n    kv:    " + show(got));
        }
    }

    /** The reply re-encoded with array elements sorted by their encoding, nested arrays included. */
    private static byte[] sorted(Reply r) {
        return RespWriter.encode(sortDeep(r));
    }

    private static Reply sortDeep(Reply r) {
        if (r instanceof Reply.Array a) {
            List<Reply> items = new ArrayList<>(a.items().stream().map(KvDifferentialTest::sortDeep).toList());
            items.sort(Comparator.comparing(i -> new String(RespWriter.encode(i), StandardCharsets.ISO_8859_1)));
            return new Reply.Array(items);
        }
        return r;
    }

    private static String show(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8).replace("\r\n", "⏎");
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** Splits on spaces; "double quotes" group (with \" and \\ escapes), "" is an empty argument. */
    static List<String> tokenize(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            char ch = line.charAt(i);
            if (ch == ' ') {
                i++;
            } else if (ch == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (line.charAt(i) != '"') {
                    if (line.charAt(i) == '\\') {
                        i++;
                    }
                    b.append(line.charAt(i++));
                }
                i++;
                out.add(b.toString());
            } else {
                int end = line.indexOf(' ', i);
                end = end < 0 ? line.length() : end;
                out.add(line.substring(i, end));
                i = end;
            }
        }
        return out;
    }

    private static List<String> quoteAll(List<String> args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            boolean marker = i == 0 && a.startsWith("~");
            out.add(marker || (!a.isEmpty() && !a.contains(" ") && !a.contains("\"")) ? a
                    : "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return out;
    }
}
