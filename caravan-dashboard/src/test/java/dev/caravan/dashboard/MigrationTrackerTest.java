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

    private Event at(String source, EventKind kind, String subject, long timeMs, String message, String... kv) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            f.put(kv[i], kv[i + 1]);
        }
        return new Event(++seq, timeMs, source, kind, subject, message, f);
    }

    /**
     * A clone of kv1 on n1 as kv1-copy2 on n3, as NodeEvents publishes it at both ends (n3's feed may
     * deliver before n1's): the copy's arrival is not a migration, and process-cloned ends the clone.
     */
    @Test
    void shouldFollowACloneFromItsSourceOnlyAndEndItWithProcessCloned() {
        tracker.onEvent(at("n3", EventKind.MIGRATION_BEGUN, "kv1-copy2", 1000, "kv1-copy2 arriving on n3 from n1",
                "role", "destination", "from", "n1", "to", "n3", "epoch", "1"));
        tracker.onEvent(at("n1", EventKind.MIGRATION_BEGUN, "kv1", 1001, "cloning kv1 as kv1-copy2 from n1 to n3 (pre-copy)",
                "role", "source", "from", "n1", "to", "n3", "mode", "pre-copy", "clone", "true", "newName", "kv1-copy2",
                "maxDowntimeMs", "500"));
        tracker.onEvent(at("n1", EventKind.MIGRATION_PHASE, "kv1", 1010, "kv1 → n3: pre-copy round 1 (sent 0.1 MiB, 3 pages left)",
                "role", "source", "to", "n3", "phase", "rounds", "round", "1", "bytes", "131072", "pagesSent", "32",
                "remainingPages", "3", "dirtyPages", "3", "bandwidthBytesPerSec", "1000000", "elapsedMs", "9"));
        tracker.onEvent(at("n1", EventKind.MIGRATION_PHASE, "kv1", 1020, "kv1 → n3: freeze (sent 0.1 MiB, 3 pages left)",
                "role", "source", "to", "n3", "phase", "freeze", "round", "1", "bytes", "131072", "pagesSent", "32",
                "remainingPages", "3", "dirtyPages", "0", "bandwidthBytesPerSec", "1000000", "elapsedMs", "19"));
        tracker.onEvent(at("n3", EventKind.PROCESS_ARRIVED, "kv1-copy2", 1030, "kv1-copy2 arrived on n3 from n1 (epoch 1): it runs here now",
                "node", "n3", "from", "n1", "epoch", "1"));
        tracker.onEvent(at("n1", EventKind.PROCESS_CLONED, "kv1", 1031, "kv1 cloned as kv1-copy2 on n3: 0.1 MiB sent, kv1 paused 2.5 ms",
                "role", "source", "from", "n1", "to", "n3", "mode", "pre-copy", "outcome", "cloned", "downtimeMs", "2",
                "downtimeMicros", "2500", "bytes", "143360", "rounds", "1", "totalMs", "30", "epoch", "3", "newName", "kv1-copy2"));

        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.process()).isEqualTo("kv1");
            assertThat(m.cloning()).isTrue();
            assertThat(m.from()).isEqualTo("n1");
            assertThat(m.to()).isEqualTo("n3");
            assertThat(m.running()).as("process-cloned ends a clone").isFalse();
            assertThat(m.outcome()).isEqualTo("committed");
            assertThat(m.downtimeMs()).isEqualTo(2.5);
            assertThat(m.freezeMs()).isEqualTo(1020);
            assertThat(m.endMs()).isEqualTo(1031);
        });
    }

    /** A restore: the node that restores publishes role=destination from=checkpoint, then process-restored. */
    @Test
    void shouldNotShowARestoreAsAMigration() {
        tracker.onEvent(at("n2", EventKind.MIGRATION_BEGUN, "kv1-restored", 2000, "restoring kv1-restored from a checkpoint on n2",
                "role", "destination", "from", "checkpoint", "to", "n2", "epoch", "1"));
        tracker.onEvent(at("n2", EventKind.PROCESS_RESTORED, "kv1-restored", 2050,
                "kv1-restored restored from a checkpoint: it runs on n2", "node", "n2", "from", "checkpoint", "epoch", "1"));

        assertThat(tracker.snapshot()).isEmpty();
    }

    /** A migration's destination side, delivered first, neither opens a second migration nor ends the real one. */
    @Test
    void shouldIgnoreTheDestinationsSideOfAMigration() {
        tracker.onEvent(at("n2", EventKind.MIGRATION_BEGUN, "kv1", 3000, "kv1 arriving on n2 from n1",
                "role", "destination", "from", "n1", "to", "n2", "epoch", "4"));
        tracker.onEvent(at("n1", EventKind.MIGRATION_BEGUN, "kv1", 3001, "migrating kv1 from n1 to n2 (pre-copy)",
                "role", "source", "from", "n1", "to", "n2", "mode", "pre-copy", "clone", "false", "newName", "kv1",
                "maxDowntimeMs", "500"));
        tracker.onEvent(at("n2", EventKind.MIGRATION_ROLLED_BACK, "kv1", 3100, "arrival of kv1 from n1 on n2 dropped: cancelled",
                "role", "destination", "from", "n1", "to", "n2", "reason", "cancelled"));
        assertThat(tracker.snapshot()).singleElement().satisfies(m -> {
            assertThat(m.running()).isTrue();
            assertThat(m.from()).isEqualTo("n1");
        });

        tracker.onEvent(at("n1", EventKind.PROCESS_FAILED, "kv1", 3200, "migration of kv1 to n2 ended in-doubt: lost n2",
                "role", "source", "from", "n1", "to", "n2", "mode", "pre-copy", "outcome", "in-doubt"));
        assertThat(tracker.snapshot()).singleElement().satisfies(m -> assertThat(m.outcome()).isEqualTo("failed"));
    }
}
