package dev.caravan.switching;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class BackendSetWatchTest {
    private final LocalNamingService naming = new LocalNamingService();
    private final long lease = naming.openLease("test", 60_000).id();
    private final List<List<Backend>> updates = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        naming.close();
    }

    private void put(String name, String node, int port, long epoch, Map<String, String> attributes) {
        naming.register(lease, new NamingEntry("process/" + name, node, "127.0.0.1", port, epoch, attributes));
    }

    private List<String> lastIds() {
        return updates.getLast().stream().map(Backend::id).toList();
    }

    @Test
    void shouldStartWithTheMatchingProcessesAlreadyInNaming() {
        put("web-1", "n1", 7001, 1, Map.of("label.app", "web"));
        put("web-2", "n2", 7002, 1, Map.of("label.app", "web"));
        put("db", "n1", 7003, 1, Map.of("label.app", "db"));
        naming.register(lease, new NamingEntry("node/n1", "n1", "127.0.0.1", 9000, 0, Map.of()));

        try (BackendSetWatch w = BackendSetWatch.start(naming, BackendSelector.parse("label:app=web"), updates::add)) {
            assertThat(updates).hasSize(1);
            assertThat(lastIds()).containsExactly("web-1", "web-2");
            assertThat(updates.getLast().getFirst().address().getPort()).isEqualTo(7001);
            assertThat(updates.getLast().getFirst().node()).isEqualTo("n1");
            assertThat(w.ids()).containsExactly("web-1", "web-2");
        }
    }

    @Test
    void shouldFollowPutRemovedAndLabelChanges() {
        put("web-1", "n1", 7001, 1, Map.of("label.app", "web"));
        try (BackendSetWatch w = BackendSetWatch.start(naming, BackendSelector.parse("label:app=web"), updates::add)) {
            put("web-2", "n2", 7002, 1, Map.of("label.app", "web"));
            await().atMost(Duration.ofSeconds(5)).until(() -> lastIds().equals(List.of("web-1", "web-2")));

            put("web-1", "n1", 7001, 1, Map.of("label.app", "api"));
            await().atMost(Duration.ofSeconds(5)).until(() -> lastIds().equals(List.of("web-2")));

            put("web-1", "n1", 7001, 1, Map.of("label.app", "web"));
            await().atMost(Duration.ofSeconds(5)).until(() -> lastIds().equals(List.of("web-1", "web-2")));

            naming.unregister(lease, "process/web-2", 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> lastIds().equals(List.of("web-1")));
            assertThat(w.ids()).containsExactly("web-1");
        }
    }

    @Test
    void shouldKeepAMovedProcessAsTheSameBackendAtItsNewAddress() {
        put("kv", "n1", 7001, 1, Map.of());
        try (var _ = BackendSetWatch.start(naming, BackendSelector.parse("name:kv"), updates::add)) {
            put("kv", "n2", 8001, 2, Map.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> updates.getLast().getFirst().node().equals("n2"));
            assertThat(updates.getLast()).singleElement().satisfies(b -> {
                assertThat(b.id()).isEqualTo("kv");
                assertThat(b.address().getPort()).isEqualTo(8001);
            });
        }
    }

    @Test
    void shouldIgnoreChangesThatDoNotTouchItsSet() {
        put("kv", "n1", 7001, 1, Map.of());
        try (var _ = BackendSetWatch.start(naming, BackendSelector.parse("prefix:kv"), updates::add)) {
            put("other", "n1", 7002, 1, Map.of());
            put("kv2", "n1", 7003, 1, Map.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> lastIds().equals(List.of("kv", "kv2")));
            // 'other' never caused an update: the initial set, then kv2's arrival.
            assertThat(updates).hasSize(2);
        }
    }

    @Test
    void shouldStopUpdatingOnceClosed() {
        BackendSetWatch w = BackendSetWatch.start(naming, BackendSelector.parse("prefix:l"), updates::add);
        w.close();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (var _ = naming.watch("process/", e -> seen.add(e.entry().name()))) {
            put("late", "n1", 7001, 1, Map.of());
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.contains("process/late"));
        }
        assertThat(updates).singleElement().satisfies(set -> assertThat(set).isEmpty());
    }
}
