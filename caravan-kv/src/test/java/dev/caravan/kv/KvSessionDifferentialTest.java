package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test of connection state and transactions: the steps of
 * {@code session-cases.txt} go over several connections to a real redis-server and to a
 * {@link KvProcess} behind a {@link KvSocketFront}, and every reply must be the same bytes;
 * pipelined byte streams (reply modes, QUIT, transactions) are compared whole. A second pair of
 * servers requires a password: redis-server with {@code requirepass}, kv with its SHA-256 under
 * {@link Password#CONFIG_KEY}.
 */
class KvSessionDifferentialTest {
    private static final String PASSWORD = "secret";
    private static final byte[] END = "$7\r\n__end__\r\n".getBytes(StandardCharsets.US_ASCII);

    /** One server pair: redis-server and kv. */
    private record Pair(RedisServerProcess redis, PagedMemory memory, KvSocketFront kv, String password) {
        static Pair start(String password) throws IOException {
            RedisServerProcess redis = password == null ? RedisServerProcess.start()
                    : RedisServerProcess.start("--requirepass", password);
            PagedMemory memory = new PagedMemory(64L << 20, 4096);
            KvProcess process = new KvProcess();
            KvSocketFront.Link link = new KvSocketFront.Link();
            Map<String, String> config = password == null ? Map.of() : Map.of(Password.CONFIG_KEY, Password.hash(password));
            process.onStart(new TestContext(memory, Clock.system(), config, link), false);
            return new Pair(redis, memory, new KvSocketFront(process, link), password);
        }

        RawRespClient[] connect() throws IOException {
            return new RawRespClient[] {new RawRespClient(redis.port()), new RawRespClient(kv.port())};
        }

        /** FLUSHALL on both, on a connection of its own. */
        void flush() throws IOException {
            RawRespClient[] admin = connect();
            try {
                for (RawRespClient c : admin) {
                    if (password != null) {
                        c.call(Command.of("AUTH", password));
                    }
                    c.call(Command.of("FLUSHALL"));
                }
            } finally {
                admin[0].close();
                admin[1].close();
            }
        }

        void stop() throws IOException {
            try (RedisServerProcess r = redis; KvSocketFront f = kv) {
                assertThat(r).isNotNull();
                assertThat(f).isNotNull();
            } finally {
                memory.close();
            }
        }
    }

    /** One case: its steps and whether it runs against the password pair. */
    private record Sequence(List<String> steps, boolean password) {
    }

    private static Pair open;
    private static Pair locked;

    @BeforeAll
    static void start() throws IOException {
        open = Pair.start(null);
        locked = Pair.start(PASSWORD);
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (open != null) {
                open.stop();
            }
        } finally {
            if (locked != null) {
                locked.stop();
            }
        }
    }

    @Test
    void shouldAnswerSessionCasesOverSeveralConnectionsLikeRedisServer() throws IOException {
        List<Sequence> sequences = readCases();
        List<String> mismatches = new ArrayList<>();
        for (Sequence s : sequences) {
            run(s, mismatches);
        }
        assertThat(sequences).hasSizeGreaterThan(40);
        assertThat(mismatches).as("replies that differ from redis-server's").isEmpty();
    }

    @Test
    void shouldStreamTheSameBytesForPipelinedReplyModesTransactionsAndQuit() throws IOException {
        List<List<String>> pipelines = List.of(
                List.of("CLIENT REPLY OFF", "PING", "SET a 1", "CLIENT REPLY SKIP", "PING", "CLIENT REPLY ON", "GET a",
                        "CLIENT REPLY SKIP", "GET a", "INCR a", "CLIENT REPLY SKIP", "CLIENT REPLY SKIP", "GET a", "GET a",
                        "ECHO __end__"),
                List.of("MULTI", "SET a 1", "INCR a", "GET a", "NOSUCH", "EXEC", "MULTI", "INCR a", "EXEC", "ECHO __end__"),
                List.of("HELLO 3", "CLIENT REPLY SKIP", "GET a", "GET missing", "CLIENT GETNAME", "RESET", "GET missing",
                        "ECHO __end__"),
                List.of("PING", "QUIT", "SET quitpipe 1", "ECHO __end__"));
        List<String> mismatches = new ArrayList<>();
        for (List<String> lines : pipelines) {
            open.flush();
            List<Command> commands = lines.stream().map(l -> Command.of(KvDifferentialTest.tokenize(l).toArray(String[]::new))).toList();
            byte[] want = RawRespClient.pipeline(open.redis.port(), commands, END);
            byte[] got = RawRespClient.pipeline(open.kv.port(), commands, END);
            if (!mask(want).equals(mask(got))) {
                mismatches.add(String.join(" | ", lines) + "\n    redis: " + show(want) + "\n    kv:    " + show(got));
            }
        }
        RawRespClient[] check = open.connect();
        try {
            assertThat(check[0].call(Command.of("EXISTS", "quitpipe")).bytes()).isEqualTo(":0\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(check[1].call(Command.of("EXISTS", "quitpipe")).bytes()).as("nothing runs after QUIT")
                    .isEqualTo(":0\r\n".getBytes(StandardCharsets.US_ASCII));
        } finally {
            check[0].close();
            check[1].close();
        }
        assertThat(mismatches).as("byte streams that differ from redis-server's").isEmpty();
    }

    @Test
    void shouldLoseNoIncrementWhenManyConnectionsRetryWatchedTransactions() throws Exception {
        int clients = 6;
        int increments = 40;
        open.flush();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < clients; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try (RawRespClient c = new RawRespClient(open.kv.port())) {
                    for (int i = 0; i < increments; i++) {
                        while (true) {
                            c.call(Command.of("WATCH", "counter"));
                            Reply v = c.call(Command.of("GET", "counter")).reply();
                            long n = v instanceof Reply.Bulk b ? Long.parseLong(b.text()) : 0;
                            c.call(Command.of("MULTI"));
                            c.call(Command.of("SET", "counter", Long.toString(n + 1)));
                            if (c.call(Command.of("EXEC")).reply() instanceof Reply.Array) {
                                break;
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            assertThat(t.join(java.time.Duration.ofSeconds(60))).as("a client finished").isTrue();
        }
        assertThat(failure.get()).isNull();
        try (RawRespClient c = new RawRespClient(open.kv.port())) {
            assertThat(c.call(Command.of("GET", "counter")).reply()).isEqualTo(Reply.bulk(Integer.toString(clients * increments)));
        }
    }

    private static void run(Sequence s, List<String> mismatches) throws IOException {
        Pair pair = s.password() ? locked : open;
        pair.flush();
        Map<Character, RawRespClient[]> connections = new LinkedHashMap<>();
        Set<Character> closed = new HashSet<>();
        List<String> trail = new ArrayList<>();
        try {
            for (String step : s.steps()) {
                trail.add(step);
                char name = step.charAt(0);
                char mark = step.charAt(1);
                Command c = Command.of(KvDifferentialTest.tokenize(step.substring(2).strip()).toArray(String[]::new));
                RawRespClient[] conn = connections.get(name);
                if (conn == null) {
                    conn = pair.connect();
                    connections.put(name, conn);
                }
                if (mark == '!') {
                    conn[0].send(c);
                    conn[1].send(c);
                    continue;
                }
                if (!compare(step, conn[0].call(c).bytes(), conn[1].call(c).bytes(), mark == '#', mismatches)) {
                    mismatches.add("    after: " + String.join(" | ", trail));
                    return;
                }
                if (c.name().equals("QUIT")) {
                    closed.add(name);
                }
            }
            for (Map.Entry<Character, RawRespClient[]> e : connections.entrySet()) {
                if (!closed.contains(e.getKey())) {
                    Command on = Command.of("CLIENT", "REPLY", "ON");
                    if (!compare(e.getKey() + ": (end) CLIENT REPLY ON", e.getValue()[0].call(on).bytes(),
                            e.getValue()[1].call(on).bytes(), false, mismatches)) {
                        mismatches.add("    after: " + String.join(" | ", trail));
                    }
                }
            }
        } catch (IOException e) {
            mismatches.add(String.join(" | ", trail) + "\n    failed: " + e.getMessage());
        } finally {
            for (RawRespClient[] conn : connections.values()) {
                conn[0].close();
                conn[1].close();
            }
        }
    }

    private static boolean compare(String step, byte[] want, byte[] got, boolean maskIds, List<String> mismatches) {
        boolean same = maskIds ? mask(want).equals(mask(got)) : Arrays.equals(want, got);
        if (!same) {
            mismatches.add(step + "\n    redis: " + show(want) + "\n    kv:    " + show(got));
        }
        return same;
    }

    /** The bytes as text with client ids replaced: HELLO's {@code id} field, and a reply that is one integer. */
    private static String mask(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).replaceAll("\\$2\r\nid\r\n:\\d+\r\n", "\\$2\r\nid\r\n:<id>\r\n");
        return s.matches(":\\d+\r\n") ? ":<id>\r\n" : s;
    }

    private static String show(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_8).replace("\r\n", "⏎");
        return s.length() > 400 ? s.substring(0, 400) + "…" : s;
    }

    private static List<Sequence> readCases() throws IOException {
        List<Sequence> sequences = new ArrayList<>();
        List<String> current = new ArrayList<>();
        boolean password = false;
        try (InputStream in = KvSessionDifferentialTest.class.getResourceAsStream("session-cases.txt")) {
            assertThat(in).as("session-cases.txt on the test class path").isNotNull();
            for (String line : (new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\n").split("\n")) {
                String t = line.strip();
                if (t.startsWith("#") && !t.matches("^[a-z]#.*")) {
                    continue;
                }
                if (t.isEmpty()) {
                    if (!current.isEmpty()) {
                        sequences.add(new Sequence(current, password));
                    }
                    current = new ArrayList<>();
                    password = false;
                } else if (t.equals("@password")) {
                    password = true;
                } else if (t.length() < 3 || !Character.isLetter(t.charAt(0)) || ":!#".indexOf(t.charAt(1)) < 0) {
                    throw new IllegalArgumentException("session-cases.txt: not a step: " + t);
                } else {
                    current.add(t);
                }
            }
        }
        return sequences;
    }
}
