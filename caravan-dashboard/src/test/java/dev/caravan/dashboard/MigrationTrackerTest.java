package dev.caravan.dashboard;

import dev.caravan.observe.Event;
import dev.caravan.observe.EventKind;
import dev.caravan.wire.node.MigrationPhase;
import dev.caravan.wire.node.MigrationProgress;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationTrackerTest {
    private final AtomicLong now = new AtomicLong(10_000);
    private final MigrationTracker tracker = new MigrationTracker(now::get);
    private long seq;

    private Event event(EventKind kind, long timeMs, Map<String, String> fields) {
        return new Event(++seq, timeMs, "n1", kind, "kv1", kind.label(), fields);
    }

    @Test
    void shouldFollowAMigrationThroughANodesEvents() {
        tracker.onEvent(event(EventKind.MIGRATION_BEGUN, 1000, Map.of("to", "n2", "mode", "pre-copy")));
        tracker.onEvent(event(EventKind.MIGRATION_PHASE, 1100, Map.of("phase", "rounds", "round", "2", "bytes", "4096")));
        tracker.onEvent(event(EventKind.MIGRATION_PHASE, 1300, Map.of("phase", "freeze", "round", "3")));
        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.running()).isTrue();
            assertThat(m.phase()).isEqualTo("freeze");
            assertThat(m.round()).isEqualTo(3);
            assertThat(m.bytesSent()).isEqualTo(4096);
            assertThat(m.freezeMs()).isEqualTo(1300);
        });

        tracker.onEvent(event(EventKind.MIGRATION_COMMITTED, 1350, Map.of("downtimeMs", "42", "bytes", "8192")));

        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.outcome()).isEqualTo("committed");
            assertThat(m.from()).isEqualTo("n1");
            assertThat(m.to()).isEqualTo("n2");
            assertThat(m.startMs()).isEqualTo(1000);
            assertThat(m.endMs()).isEqualTo(1350);
            assertThat(m.downtimeMs()).isEqualTo(42.0);
            assertThat(m.origin()).isEqualTo("events");
        });
    }

    @Test
    void shouldNotShowAMigrationItStartedTwiceWhenTheNodeReportsItToo() {
        long id = tracker.begin("kv1", "n1", "n2", "pre-copy", false);
        now.set(10_200);
        tracker.onProgress(id, new MigrationProgress(MigrationPhase.FREEZE, 2, 10, 20, 40_960, 0, 0, 1 << 20, 5, 200, 0, 0, 0, 0));
        tracker.onEvent(event(EventKind.MIGRATION_BEGUN, 10_000, Map.of("to", "n2", "mode", "pre-copy")));
        tracker.onEvent(event(EventKind.MIGRATION_COMMITTED, 10_300, Map.of("downtimeMs", "1")));

        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.origin()).isEqualTo("dashboard");
            assertThat(m.running()).as("the dashboard's own report ends it, not the node's event").isTrue();
            assertThat(m.freezeMs()).isEqualTo(10_200);
            assertThat(m.remainingPages()).isEqualTo(5);
        });
        tracker.onFailed(id, "lost connection to n1");
        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.outcome()).isEqualTo("failed");
            assertThat(m.detail()).isEqualTo("lost connection to n1");
        });
    }

    @Test
    void shouldEndAMigrationWithoutNewsAsUnknown() {
        tracker.onEvent(event(EventKind.MIGRATION_BEGUN, 10_000, Map.of("to", "n2")));
        now.addAndGet(MigrationTracker.STALE_MS + 1);

        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.outcome()).isEqualTo("unknown");
            assertThat(m.detail()).contains("no news from n1");
        });
    }

    @Test
    void shouldKeepOnlyTheLastMigrations() {
        for (int i = 0; i < MigrationTracker.KEEP + 5; i++) {
            tracker.onFailed(tracker.begin("p" + i, "n1", "n2", "pre-copy", false), "x");
        }
        assertThat(tracker.snapshot()).hasSize(MigrationTracker.KEEP);
        assertThat(tracker.snapshot().getFirst().process()).isEqualTo("p5");
    }
}
