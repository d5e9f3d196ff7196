package dev.caravan.systemtests;

import dev.caravan.testsupport.CaravanCluster;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.resp.RespConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A 512 MB value on a node whose heap is 96 MiB: stored and served through the data endpoint
 * and the stable endpoint, while another client keeps being served; oversized and truncated
 * values refused as redis-server refuses them, leaving no memory behind. The value is generated
 * and checksummed as it streams: neither side holds it whole.
 *
 * <p>Off-heap memory is read from the node JVM's native memory tracking ({@code jcmd
 * VM.native_memory}, category Other, where {@code Arena} allocations are counted).
 */
@Tag("slow")
class BigValueTest {
    private static final long MAX_VALUE_BYTES = 512L << 20;
    private static final long MID_VALUE_BYTES = 100L << 20;
    private static CaravanCluster cluster;
    private static ProcessInfo kv;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravanCluster.aCluster().withNodes(1)
                .withJvmOptions(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:NativeMemoryTracking=summary"))
                .start();
        kv = cluster.control("n1").start(new ProcessSpec("big", "kv", "", "", 1L << 30, Map.of()));
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static InetSocketAddress data() {
        return CaravanCluster.dataAddress(kv);
    }

    private static InetSocketAddress front() {
        return CaravanCluster.frontAddress(kv);
    }

    @Test
    void shouldStoreAndServeA512MiBValueOnA96MiBHeapDirectlyAndThroughTheStableEndpoint() throws Exception {
        try (Pulse other = new Pulse(data())) {
            long crc;
            try (StreamingRespClient setter = new StreamingRespClient(data())) {
                long before = other.answered();
                crc = setter.sendSet("big", MAX_VALUE_BYTES, 42);
                assertThat(setter.readLine()).isEqualTo("+OK");
                assertThat(other.answered()).as("another client is served while the value streams in").isGreaterThan(before);
            }
            try (StreamingRespClient getter = new StreamingRespClient(front())) {
                long before = other.answered();
                assertThat(getter.get("big", MAX_VALUE_BYTES)).as("CRC-32 of the value read through the stable endpoint")
                        .isEqualTo(crc);
                assertThat(other.answered()).as("another client is served while the value streams out").isGreaterThan(before);
            }
            long midCrc;
            try (StreamingRespClient front = new StreamingRespClient(front())) {
                midCrc = front.sendSet("mid", MID_VALUE_BYTES, 7);
                assertThat(front.readLine()).isEqualTo("+OK");
            }
            try (StreamingRespClient direct = new StreamingRespClient(data())) {
                assertThat(direct.get("mid", MID_VALUE_BYTES)).isEqualTo(midCrc);
            }
            try (RespConnection c = new RespConnection(data())) {
                assertThat(c.call("STRLEN", "big")).isEqualTo(Reply.integer(MAX_VALUE_BYTES));
                assertThat(((Reply.Bulk) c.call("GETRANGE", "big", "1000", "1099")).value()).hasSize(100);
            }
            other.assertHealthy();
        }
        assertThat(cluster.node("n1").isAlive()).isTrue();
    }

    @Test
    void shouldRefuseOversizedAndTruncatedValuesAsRedisDoesWithoutLeaking() throws Exception {
        for (InetSocketAddress endpoint : List.of(data(), front())) {
            try (StreamingRespClient c = new StreamingRespClient(endpoint)) {
                c.send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$" + (MAX_VALUE_BYTES + 1) + "\r\n");
                c.flush();
                assertThat(c.readToEnd()).isEqualTo("-ERR Protocol error: invalid bulk length\r\n");
            }
        }
        long pid = cluster.node("n1").pid();
        long baseline = offHeapBytes(pid);
        try (Pulse other = new Pulse(data())) {
            try (StreamingRespClient c = new StreamingRespClient(data())) {
                c.send("*3\r\n$3\r\nSET\r\n$9\r\ntruncated\r\n$" + MAX_VALUE_BYTES + "\r\n");
                c.sendRandom(300L << 20, 3);
                c.flush();
                await("the node holds the value's first part off-heap").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200)).until(() -> offHeapBytes(pid) > baseline + (200L << 20));
            }
            await("the half-read value is released once its connection closes").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200)).until(() -> offHeapBytes(pid) < baseline + (16L << 20));
            other.assertHealthy();
        }
        try (RespConnection c = new RespConnection(data())) {
            assertThat(c.call("EXISTS", "truncated")).isEqualTo(Reply.integer(0));
            assertThat(c.call("PING")).isEqualTo(new Reply.Simple("PONG"));
        }
    }

    /** Bytes the node JVM holds in native memory of category Other (off-heap values, paged memory). */
    private static long offHeapBytes(long pid) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), "VM.native_memory", "summary").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        Matcher m = Pattern.compile("Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(out);
        if (!m.find()) {
            throw new AssertionError("no native memory summary from jcmd " + pid + ":\n" + out);
        }
        return Long.parseLong(m.group(1)) * 1024;
    }

    /** Another client, sending small commands on its own connection the whole time. */
    private static final class Pulse implements AutoCloseable {
        private final AtomicLong answered = new AtomicLong();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Pulse(InetSocketAddress at) {
            thread = Thread.ofPlatform().name("pulse").start(() -> {
                try (RespConnection c = new RespConnection(at)) {
                    for (long i = 0; running.get(); i++) {
                        Reply set = c.call("SET", "pulse", Long.toString(i));
                        Reply get = c.call("GET", "pulse");
                        if (!set.equals(Reply.OK) || !get.equals(Reply.bulk(Long.toString(i)))) {
                            throw new AssertionError("pulse " + i + " got " + set + " / " + get);
                        }
                        answered.incrementAndGet();
                    }
                } catch (IOException | RuntimeException | AssertionError e) {
                    failure.set(e);
                }
            });
        }

        long answered() {
            return answered.get();
        }

        void assertHealthy() {
            assertThat(failure.get()).as("the other client's failure").isNull();
            assertThat(answered.get()).isPositive();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
