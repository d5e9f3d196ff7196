package dev.caravan.node;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.Lease;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node cut off from naming for longer than its lease comes back: it re-registers what it still
 * owns and stops the copies that another node took over meanwhile — whether they moved on (a
 * higher epoch) or were started there afresh (the same epoch under the other node's lease).
 */
class NodeReregistrationTest {
    private static final long LEASE_MS = 400;

    @TempDir
    Path tmp;
    private final LocalNamingService naming = new LocalNamingService();
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private NodeDaemon node;

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
        naming.close();
    }

    @Test
    void shouldComeBackAndStopItsCopyOfAProcessStartedOnAnotherNodeWhileItWasCutOff() throws Exception {
        NodeConfig config = new NodeConfig("n1", "127.0.0.1", 0, new InetSocketAddress("127.0.0.1", 1), tmp.resolve("n1"),
                LEASE_MS, "", 4096, Map.of());
        node = NodeDaemon.start(config, new Gated(naming, reachable), Clock.system());
        ByteArrayOutputStream jar = new ByteArrayOutputStream();
        new JarOutputStream(jar).close();
        String bundle = node.putBundle(jar.toByteArray(), "");
        ProcessInfo stays = node.startProcess(new ProcessSpec("stays", "", bundle, SessionCounter.class.getName(), 1 << 20, Map.of()));
        node.startProcess(new ProcessSpec("taken", "", bundle, SessionCounter.class.getName(), 1 << 20, Map.of()));

        reachable.set(false);
        await("n1 fenced").atMost(Duration.ofSeconds(5)).until(() -> !node.ownsProcesses());
        await("n1's lease expired in naming").atMost(Duration.ofSeconds(5))
                .until(() -> naming.expireLeases() >= 0 && naming.lookup("node/n1").isEmpty());
        // Meanwhile "taken" is started on n2, at epoch 1 as every fresh start.
        Lease n2 = naming.openLease("node/n2", 60_000);
        naming.register(n2.id(), new NamingEntry("process/taken", "n2", "127.0.0.1", 2, 1, Map.of(), n2.id()));

        reachable.set(true);
        await("n1 answers again").atMost(Duration.ofSeconds(5)).until(node::ownsProcesses);
        assertThat(naming.lookup("process/stays")).get().extracting(NamingEntry::node, NamingEntry::epoch)
                .containsExactly("n1", stays.epoch());
        assertThat(naming.lookup("process/taken")).get().extracting(NamingEntry::node).isEqualTo("n2");
        await("n1's stale copy of taken stopped").atMost(Duration.ofSeconds(5))
                .until(() -> node.list().stream().noneMatch(p -> p.name().equals("taken")));
    }

    /** Naming that can be made unreachable for the node (the test still reaches the real one). */
    private record Gated(NamingService inner, AtomicBoolean reachable) implements NamingService {
        private void check() {
            if (!reachable.get()) {
                throw ErrorCode.UNAVAILABLE.exception("naming unreachable (test)");
            }
        }

        @Override
        public Lease openLease(String holder, long ttlMs) {
            check();
            return inner.openLease(holder, ttlMs);
        }

        @Override
        public void renew(long leaseId) {
            check();
            inner.renew(leaseId);
        }

        @Override
        public void closeLease(long leaseId) {
            check();
            inner.closeLease(leaseId);
        }

        @Override
        public void register(long leaseId, NamingEntry entry) {
            check();
            inner.register(leaseId, entry);
        }

        @Override
        public void unregister(long leaseId, String name, long epoch) {
            check();
            inner.unregister(leaseId, name, epoch);
        }

        @Override
        public Optional<NamingEntry> lookup(String name) {
            check();
            return inner.lookup(name);
        }

        @Override
        public List<NamingEntry> list(String prefix) {
            check();
            return inner.list(prefix);
        }

        @Override
        public Watch watch(String prefix, Consumer<NamingEvent> listener) {
            check();
            return inner.watch(prefix, listener);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
