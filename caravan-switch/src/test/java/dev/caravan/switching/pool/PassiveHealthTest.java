package dev.caravan.switching.pool;

import dev.caravan.core.time.ManualClock;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.caravan.switching.pool.PoolFixtures.assertFailedWith;
import static dev.caravan.switching.pool.PoolFixtures.backend;
import static dev.caravan.switching.pool.PoolFixtures.limits;
import static dev.caravan.switching.pool.PoolFixtures.now;
import static dev.caravan.switching.pool.PoolFixtures.route;
import static dev.caravan.switching.pool.PoolFixtures.spec;
import static dev.caravan.switching.pool.PoolFixtures.spread;
import static dev.caravan.switching.pool.PoolFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

class PassiveHealthTest {
    private static final long MS = 1_000_000L;
    private final ManualClock clock = new ManualClock(1_000);
    private BackendPool pool;

    @AfterEach
    void closePool() {
        pool.close();
    }

    private void pool(PolicyKind policy, long probeIntervalMs, long slowStartMs) {
        pool = new BackendPool(spec(FrontendProtocol.TCP, limits(0, 10, 1_000, probeIntervalMs, 3, 2, slowStartMs)),
                route(policy), clock, null);
    }

    private void report(String id, boolean ok, long latencyNs) {
        for (int i = 0; i < 100; i++) {
            try (Ticket t = now(pool.dispatch(DispatchKey.NONE))) {
                if (t.backend().id().equals(id)) {
                    if (ok) {
                        t.onSuccess(latencyNs);
                    } else {
                        t.onFailure("connection refused");
                    }
                    return;
                }
            }
        }
        throw new AssertionError("never dispatched to " + id);
    }

    @Test
    void shouldTakeABackendOutAfterFallFailuresInARow() {
        pool(PolicyKind.ROUND_ROBIN, 1_000, 0);
        pool.update(List.of(backend("web-1", 1001)));
        report("web-1", false, 0);
        report("web-1", false, 0);
        report("web-1", true, MS); // a success breaks the run
        report("web-1", false, 0);
        report("web-1", false, 0);
        assertThat(status(pool, "web-1").healthy()).isTrue();
        report("web-1", false, 0);
        assertThat(status(pool, "web-1").healthy()).isFalse();
        assertThat(status(pool, "web-1").failed()).isEqualTo(5);
        assertFailedWith(pool.dispatch(DispatchKey.NONE), ErrorCode.UNAVAILABLE);
    }

    @Test
    void shouldTakeOutABackendWhoseRepliesAreLatencyOutliers() {
        pool(PolicyKind.ROUND_ROBIN, 1_000, 0);
        pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002), backend("web-3", 1003)));
        for (int i = 0; i < 5; i++) {
            report("web-1", true, 100 * MS);
            report("web-2", true, 200 * MS);
            report("web-3", true, 1_500 * MS); // 10× the median (150 ms) is 1.5 s: not above it
        }
        assertThat(status(pool, "web-3").healthy()).isTrue();
        report("web-3", true, 4_000 * MS);
        report("web-3", true, 4_000 * MS);
        report("web-3", true, 200 * MS);
        report("web-3", true, 4_000 * MS);
        report("web-3", true, 4_000 * MS);
        assertThat(status(pool, "web-3").healthy()).isTrue();
        report("web-3", true, 4_000 * MS);
        assertThat(status(pool, "web-3").healthy()).isFalse();
        assertThat(spread(pool, 100)).containsOnlyKeys("web-1", "web-2");
    }

    @Test
    void shouldNeverCallQueueingJitterUnderASecondAnOutlier() {
        pool(PolicyKind.ROUND_ROBIN, 1_000, 0);
        pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002)));
        report("web-1", true, 10_000);
        for (int i = 0; i < 10; i++) {
            report("web-2", true, 900 * MS); // 90 000× the other, but under a second: a loaded machine, not a sick backend
        }
        assertThat(status(pool, "web-2").healthy()).isTrue();
    }

    @Test
    void shouldRetryAPassivelyFailedBackendAfterTheRetryPeriodWhenThereAreNoActiveChecks() {
        pool(PolicyKind.WEIGHTED_ROUND_ROBIN, 0, 10_000);
        pool.update(List.of(backend("web-1", 1001, Map.of("weight", "8")), backend("web-2", 1002, Map.of("weight", "8"))));
        for (int i = 0; i < 3; i++) {
            report("web-1", false, 0);
        }
        assertThat(status(pool, "web-1").healthy()).isFalse();
        clock.advanceMs(BackendPool.PASSIVE_RETRY_MS - 1);
        pool.tick();
        assertThat(status(pool, "web-1").healthy()).isFalse();
        clock.advanceMs(1);
        pool.tick();
        assertThat(status(pool, "web-1").healthy()).isTrue();
        assertThat(status(pool, "web-1").effectiveWeight()).as("back in slow start").isEqualTo(1);
    }

    @Test
    void shouldRampTheWeightOfAnAddedBackendLinearlyOverSlowStart() {
        pool(PolicyKind.WEIGHTED_ROUND_ROBIN, 1_000, 10_000);
        pool.update(List.of(backend("web-1", 1001, Map.of("weight", "8"))));
        assertThat(status(pool, "web-1").effectiveWeight()).as("the first set starts at full weight").isEqualTo(8);
        pool.update(List.of(backend("web-1", 1001, Map.of("weight", "8")), backend("web-2", 1002, Map.of("weight", "8"))));
        assertThat(status(pool, "web-2").effectiveWeight()).isEqualTo(1);
        Map<String, Integer> early = spread(pool, 1_000);
        clock.advanceMs(5_000);
        assertThat(status(pool, "web-2").effectiveWeight()).isEqualTo(4);
        Map<String, Integer> half = spread(pool, 1_000);
        clock.advanceMs(5_000);
        assertThat(status(pool, "web-2").effectiveWeight()).isEqualTo(8);
        Map<String, Integer> full = spread(pool, 1_000);
        assertThat(early.getOrDefault("web-2", 0)).isLessThan(20); // 1/16 of 8 against 8: ~0.8%
        assertThat(half.get("web-2")).isBetween(320, 345);         // 4 against 8: a third
        assertThat(full.get("web-2")).isEqualTo(500);
    }
}
