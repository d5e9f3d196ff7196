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

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A loop process whose loop returns is stopped by its node ({@code ProcessContext.stopSelf}), as
 * {@code caravan stop} would stop it: unregistered from naming, gone from the node's list. On a
 * real node in this JVM, with the built-in {@code loop-counter} sample's QUIT.
 */
class LoopReturnStopsTest {
    private static final long MIB = 1L << 20;
    private static final Duration BOUND = Duration.ofSeconds(20);

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

    @Test
    void shouldStopALoopProcessWhoseLoopReturnedAndLeaveTheOthers() throws Exception {
        node = NodeDaemon.start(NodeConfig.loopback("n1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve("n1"))
                .withProcessMemoryBytes(64 * MIB), naming, Clock.system(), CodePolicy.allowUnsigned());
        node.startProcess(new ProcessSpec("lc", "loop-counter", "", "", 4 * MIB, Map.of()));
        node.startProcess(new ProcessSpec("lc2", "loop-counter", "", "", 4 * MIB, Map.of()));
        assertThat(node.call("lc", 1, 0, Command.of("ADD", "5"))).isEqualTo(Reply.bulk("5:1"));
        assertThat(naming.lookup("process/lc")).isPresent();

        assertThat(node.call("lc", 1, 0, Command.of("QUIT"))).isEqualTo(Reply.OK);

        await().atMost(BOUND).until(() -> !node.hostsProcess("lc"));
        assertThat(node.list()).extracting(ProcessInfo::name).containsExactly("lc2");
        assertThat(naming.lookup("process/lc")).as("unregistered, as NODE_STOP does").isEmpty();
        assertThat(node.call("lc2", 1, 0, Command.of("ADD", "2"))).isEqualTo(Reply.bulk("2:1"));
        assertThat(naming.lookup("process/lc2")).isPresent();
    }
}
