package dev.caravan.client;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.Lease;
import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node that is paused (SIGSTOP) still completes TCP connections in its kernel but never
 * answers: here, a listening socket that nobody accepts from.
 */
class SilentNodeTest {
    private final LocalNamingService naming = new LocalNamingService();
    private final ServerSocket silent;
    private final CaravanClient client;

    SilentNodeTest() throws Exception {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        client = new CaravanClient(naming, "", Duration.ofSeconds(4), Clock.system(), false);
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        naming.close();
        silent.close();
    }

    private Lease registerSilentNode(long ttlMs) {
        Lease lease = naming.openLease("node/n1", ttlMs);
        naming.register(lease.id(), new NamingEntry("node/n1", "n1", "127.0.0.1", silent.getLocalPort(), 0, Map.of()));
        naming.register(lease.id(), new NamingEntry("process/x", "n1", "127.0.0.1", 1, 1,
                Map.of("control", "127.0.0.1:" + silent.getLocalPort())));
        return lease;
    }

    @Test
    void shouldListAnUnreachableNodeAsSuchWithinItsDeadline() throws Exception {
        registerSilentNode(60_000);

        CompletableFuture<List<CaravanClient.NodeListing>> listing =
                CompletableFuture.supplyAsync(() -> client.listAll(Duration.ofMillis(300)));

        List<CaravanClient.NodeListing> nodes = listing.get(10, TimeUnit.SECONDS);
        assertThat(nodes).singleElement().satisfies(n -> {
            assertThat(n.node()).isEqualTo("n1");
            assertThat(n.reachable()).isFalse();
            assertThat(n.processes()).isEmpty();
        });
    }

    @Test
    void shouldSayWhichNodeDoesNotAnswerWhenCallingAProcessOnIt() {
        registerSilentNode(60_000);

        assertThatThrownBy(() -> client.call("x", "PING"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("process x is registered on node n1")
                .hasMessageContaining("which does not answer");
    }

    @Test
    void shouldSayTheProcessWasOnASilentNodeOnceItsEntryHasExpired() {
        registerSilentNode(500);
        naming.startReaper(10);

        assertThatThrownBy(() -> client.call("x", "PING"))
                .isInstanceOfSatisfying(CaravanException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
                .hasMessageContaining("process x was registered on node n1")
                .hasMessageContaining("stopped answering");
    }
}
