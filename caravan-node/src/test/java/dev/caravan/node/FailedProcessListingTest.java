package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.security.signing.CodePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Processes whose threads died (a loop that threw, a handler that threw an Error) do not hide the
 * node's other processes: the node's list never waits on a thread that cannot answer, and says
 * FAILED with the reason. On a real node in this JVM.
 */
class FailedProcessListingTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    /** Before the fix, each dead process cost the list 2 s of waiting for its thread. */
    private static final long FAST_MS = 1_500;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private NodeDaemon node;

    @AfterEach
    void stopAll() {
        if (node != null) {
            node.close();
        }
        naming.close();
    }

    private static byte[] jarOf(Class<?>... classes) throws Exception {
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(jar)) {
            for (Class<?> c : classes) {
                String entry = c.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = c.getClassLoader().getResourceAsStream(entry)) {
                    out.write(in.readAllBytes());
                }
                out.closeEntry();
            }
        }
        return jar.toByteArray();
    }

    @Test
    void shouldListFailedProcessesAtOnceWithTheirReasonAndTheOthersRunning() throws Exception {
        node = NodeDaemon.start(NodeConfig.loopback("n1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve("n1")),
                naming, Clock.system(), CodePolicy.allowUnsigned());
        String loops = node.putBundle(jarOf(ThrowingLoop.class), "");
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        new JarOutputStream(empty).close();
        String plain = node.putBundle(empty.toByteArray(), "");
        node.startProcess(new ProcessSpec("boom", "", loops, ThrowingLoop.class.getName(), 1 << 20, Map.of()));
        node.startProcess(new ProcessSpec("broken", "", plain, Spinner.class.getName(), 1 << 20, Map.of("interrupts", "obey")));
        node.startProcess(new ProcessSpec("lc", "loop-counter", "", "", 1 << 20, Map.of()));
        assertThat(node.call("boom", 1, 0, Command.of("HELLO"))).isEqualTo(Reply.bulk("served 1"));

        assertThat(node.call("boom", 1, 0, Command.of("BOOM"))).isInstanceOf(Reply.Error.class);
        assertThat(node.call("broken", 1, 0, Command.of("DIE"))).isInstanceOf(Reply.Error.class);
        await().atMost(BOUND).until(() -> node.inspect("boom").state().equals("FAILED")
                && node.inspect("broken").state().equals("FAILED"));

        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            Map<String, ProcessInfo> listed = node.list().stream().collect(Collectors.toMap(ProcessInfo::name, Function.identity()));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(tookMs).as("the list waits on no dead thread").isLessThan(FAST_MS);
            assertThat(listed.keySet()).containsExactlyInAnyOrder("boom", "broken", "lc");
            assertThat(listed.get("boom").state()).isEqualTo("FAILED");
            assertThat(listed.get("boom").stateDetail()).contains("the loop of process boom threw").contains("boom after 2");
            assertThat(listed.get("broken").state()).isEqualTo("FAILED");
            assertThat(listed.get("broken").stateDetail()).contains("the handler broke an invariant");
            assertThat(listed.get("lc").state()).isEqualTo("RUNNING");
            assertThat(listed.get("lc").dirtyPages()).as("a live thread is still asked").isGreaterThanOrEqualTo(0);
        }
        long t0 = System.nanoTime();
        assertThat(node.inspect("boom").state()).isEqualTo("FAILED");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(FAST_MS);
        assertThat(node.call("lc", 1, 0, Command.of("ADD", "3"))).isEqualTo(Reply.bulk("3:1"));
    }
}
