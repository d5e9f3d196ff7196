package dev.caravan.naming;

import dev.caravan.wire.net.Hello;
import dev.caravan.wire.node.SecuritySettings;
import dev.caravan.wire.security.Role;
import dev.caravan.wire.security.TokenTable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tenant's token on the naming port sees its slice's processes and the cluster's own entries,
 * never another slice's process nor one of no slice: LOOKUP, LIST and WATCH (snapshot and events),
 * over a real naming port.
 */
class NamingSliceVisibilityTest {
    private final LocalNamingService local = new LocalNamingService(new ManualClock());
    private final List<AutoCloseable> open = new ArrayList<>();
    private NamingServer server;
    private String alphaToken;
    private String viewerToken;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        local.close();
    }

    private RemoteNamingService as(String token) {
        RemoteNamingService r = new RemoteNamingService(server.address(), new Hello("test", token), Duration.ofSeconds(2));
        open.add(r);
        return r;
    }

    private static NamingEntry process(String name, String slice) {
        return new NamingEntry("process/" + name, "n1", "127.0.0.1", 7001, 1,
                slice.isEmpty() ? Map.of() : Map.of(SecuritySettings.SLICE, slice));
    }

    @Test
    void shouldShowATenantOnlyItsSlicesProcessesAndTheClusterEntries() throws IOException {
        TokenTable.Added a = TokenTable.empty().add("ta", Role.ADMIN, "alpha");
        TokenTable.Added v = a.table().add("vic", Role.VIEWER, "");
        alphaToken = a.token();
        viewerToken = v.token();
        server = new NamingServer(local, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "cluster", v.table());
        open.add(server);
        long lease = local.openLease("n1", 60_000).id();
        local.register(lease, new NamingEntry("node/n1", "n1", "127.0.0.1", 7000, 1, Map.of()));
        local.register(lease, process("a1", "alpha"));
        local.register(lease, process("b1", "beta"));
        local.register(lease, process("x1", ""));

        RemoteNamingService alpha = as(alphaToken);
        assertThat(alpha.list("")).extracting(NamingEntry::name).containsExactly("node/n1", "process/a1");
        assertThat(alpha.lookup("process/a1")).isPresent();
        assertThat(alpha.lookup("process/b1")).isEmpty();
        assertThat(alpha.lookup("process/x1")).isEmpty();
        assertThat(as(viewerToken).list("process/")).extracting(NamingEntry::name)
                .containsExactly("process/a1", "process/b1", "process/x1");

        EventRecorder heard = new EventRecorder();
        open.add(alpha.watch("process/", heard));
        // A watch's snapshot (what a reconnecting watcher asks for) is filtered too.
        dev.caravan.wire.net.FrameClient raw = dev.caravan.wire.net.FrameClient.connect(server.address(),
                new Hello("raw", alphaToken), Duration.ofSeconds(2));
        open.add(raw);
        dev.caravan.wire.BodyReader reply = raw.request(dev.caravan.wire.Op.NAMING_WATCH,
                new dev.caravan.wire.BodyWriter().string("process/").bool(true).toBytes());
        reply.i64();
        assertThat(NamingProtocol.readEntries(reply)).extracting(NamingEntry::name).containsExactly("process/a1");
        local.register(lease, process("b2", "beta"));
        local.register(lease, process("a2", "alpha"));
        local.unregister(lease, "process/b1", 1);
        local.unregister(lease, "process/a1", 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.events.size() >= 2);
        // The events come in order; beta's would have been among them had they been sent.
        assertThat(heard.summary()).containsExactly("PUT process/a2@1", "REMOVED process/a1@1");
    }
}
