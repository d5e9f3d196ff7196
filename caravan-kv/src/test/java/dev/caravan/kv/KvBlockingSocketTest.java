package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * BLPOP over real sockets, against a real redis-server 7.0.15 started by the test: the same
 * exchanges, with a timeout of 0.1 s and with a push from a second connection while the first
 * waits, must give the same bytes.
 */
class KvBlockingSocketTest {
    private static RedisServerProcess redis;
    private static RunnerSocketFront kv;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisServerProcess.start();
        kv = new RunnerSocketFront();
    }

    @AfterAll
    static void stop() throws Exception {
        try (RedisServerProcess r = redis) {
            assertThat(r).isNotNull();
            kv.close();
        }
    }

    /** What one server answered, in order, as text with CR LF shown; and how long the 0.1 s timeout took. */
    private record Exchange(List<String> replies, long timeoutMs) {
    }

    @Test
    void shouldAnswerBlockingPopsWithTheSameBytesAsRedisServer() throws Exception {
        Exchange expected = exchange(redis.port(), () -> blockedClients(redis.port()));
        Exchange actual = exchange(kv.port(), kv.runner::parkedBatches);
        assertThat(actual.replies()).isEqualTo(expected.replies());
        assertThat(expected.replies()).contains("*2\r\n$1\r\nq\r\n$5\r\nfirst\r\n", "*-1\r\n");
        assertThat(actual.timeoutMs()).as("the 0.1 s timeout fires on time").isBetween(100L, 1000L);
    }

    private static Exchange exchange(int port, IntSupplier blocked) throws Exception {
        List<String> out = new ArrayList<>();
        long timeoutMs;
        try (RawRespClient a = new RawRespClient(port); RawRespClient b = new RawRespClient(port)) {
            out.add(call(a, "FLUSHALL"));
            out.add(call(a, "SET", "s", "string"));
            out.add(call(a, "BLPOP", "q", "abc"));
            out.add(call(a, "BLPOP", "q", "-1"));
            out.add(call(a, "BLPOP", "q"));
            out.add(call(a, "BLPOP", "q", "s", "0"));
            out.add(call(a, "RPUSH", "l", "x", "y"));
            out.add(call(a, "BRPOP", "q", "l", "0"));

            long start = System.nanoTime();
            out.add(call(a, "BLPOP", "q", "0.1"));
            timeoutMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> call(a, "BLPOP", "q", "q2", "5"),
                    runnable -> Thread.ofVirtual().start(runnable));
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> blocked.getAsInt() == 1);
            out.add(call(b, "RPUSH", "q", "first", "second"));
            out.add(waiting.get(5, TimeUnit.SECONDS));
            out.add(call(b, "LRANGE", "q", "0", "-1"));
        }
        return new Exchange(out, timeoutMs);
    }

    private static String call(RawRespClient c, String... args) {
        try {
            return new String(c.call(Command.of(args)).bytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int blockedClients(int port) {
        try (RawRespClient probe = new RawRespClient(port)) {
            for (String line : call(probe, "INFO", "clients").split("\r\n")) {
                if (line.startsWith("blocked_clients:")) {
                    return Integer.parseInt(line.substring("blocked_clients:".length()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("redis-server's INFO clients has no blocked_clients line");
    }
}
