package dev.caravan.switching.pool;

import dev.caravan.core.time.Clock;
import dev.caravan.core.time.ManualClock;
import dev.caravan.switching.AdminState;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.caravan.switching.pool.PoolFixtures.assertFailedWith;
import static dev.caravan.switching.pool.PoolFixtures.backend;
import static dev.caravan.switching.pool.PoolFixtures.limits;
import static dev.caravan.switching.pool.PoolFixtures.now;
import static dev.caravan.switching.pool.PoolFixtures.route;
import static dev.caravan.switching.pool.PoolFixtures.spec;
import static dev.caravan.switching.pool.PoolFixtures.spread;
import static dev.caravan.switching.pool.PoolFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BackendPoolTest {
    private final ManualClock clock = new ManualClock(1_000);
    private BackendPool pool;

    @AfterEach
    void closePool() {
        if (pool != null) {
            pool.close();
        }
    }

    private BackendPool pool(PolicyKind policy, int maxConnections, int maxQueued, long queueTimeoutMs) {
        pool = new BackendPool(spec(FrontendProtocol.TCP, limits(maxConnections, maxQueued, queueTimeoutMs, 0, 3, 2, 10_000)),
                route(policy), clock, null);
        return pool;
    }

    @Test
    void shouldRefuseAtOnceWithUnavailableWhenTheSetIsEmptyOrAllAreOut() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 1_000);
        assertFailedWith(pool.dispatch(DispatchKey.NONE), ErrorCode.UNAVAILABLE);
        pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002)));
        pool.setAdminState("web-1", AdminState.DISABLED);
        pool.setAdminState("web-2", AdminState.DRAIN);
        assertFailedWith(pool.dispatch(DispatchKey.NONE), ErrorCode.UNAVAILABLE);
    }

    @Test
    void shouldQueueInFifoOrderAndServeWhenATicketCloses() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001)));
        Ticket first = now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> second = pool.dispatch(DispatchKey.NONE);
        CompletableFuture<Ticket> third = pool.dispatch(DispatchKey.NONE);
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        first.close();
        first.close(); // idempotent: frees one slot, not two
        assertThat(second).isCompleted();
        assertThat(third).isNotDone();
        assertThat(status(pool, "web-1").active()).isEqualTo(1);
        second.join().close();
        now(third).close();
        assertThat(status(pool, "web-1").active()).isZero();
        assertThat(status(pool, "web-1").served()).isEqualTo(3);
    }

    @Test
    void shouldRefuseWithBusyWhenTheQueueIsFull() {
        pool(PolicyKind.ROUND_ROBIN, 1, 2, 1_000);
        pool.update(List.of(backend("web-1", 1001)));
        now(pool.dispatch(DispatchKey.NONE));
        assertThat(pool.dispatch(DispatchKey.NONE)).isNotDone();
        assertThat(pool.dispatch(DispatchKey.NONE)).isNotDone();
        assertFailedWith(pool.dispatch(DispatchKey.NONE), ErrorCode.BUSY);
    }

    @Test
    void shouldTimeOutAQueuedDispatchWithBusyByTheClock() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 500);
        pool.update(List.of(backend("web-1", 1001)));
        Ticket held = now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> early = pool.dispatch(DispatchKey.NONE);
        clock.advanceMs(200);
        CompletableFuture<Ticket> late = pool.dispatch(DispatchKey.NONE);
        clock.advanceMs(299);
        pool.tick();
        assertThat(early).isNotDone();
        clock.advanceMs(1);
        pool.tick();
        assertFailedWith(early, ErrorCode.BUSY);
        assertThat(late).isNotDone();
        held.close();
        assertThat(now(late).backend().id()).isEqualTo("web-1");
    }

    @Test
    void shouldTimeOutAQueuedDispatchOnTheSchedulerOfARunningPool() {
        pool = BackendPool.create(spec(FrontendProtocol.TCP, limits(1, 10, 50, 0, 3, 2, 0)), route(PolicyKind.ROUND_ROBIN),
                Clock.system());
        pool.update(List.of(backend("web-1", 1001)));
        now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> queued = pool.dispatch(DispatchKey.NONE);
        await().atMost(Duration.ofSeconds(5)).until(queued::isDone);
        assertFailedWith(queued, ErrorCode.BUSY);
    }

    @Test
    void shouldFailQueuedDispatchesAtOnceWhenTheLastBackendLeaves() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001)));
        Ticket held = now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> queued = pool.dispatch(DispatchKey.NONE);
        pool.update(List.of());
        assertFailedWith(queued, ErrorCode.UNAVAILABLE);
        held.close(); // a ticket on a departed backend still closes cleanly
        assertThat(pool.status()).isEmpty();
    }

    @Test
    void shouldGiveADrainingBackendNoNewTicketsWhileItsExistingOnesFinish() {
        pool(PolicyKind.ROUND_ROBIN, 0, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002)));
        Ticket onFirst = now(pool.dispatch(DispatchKey.NONE));
        assertThat(onFirst.backend().id()).isEqualTo("web-1");
        pool.setAdminState("web-1", AdminState.DRAIN);
        assertThat(spread(pool, 1_000)).containsOnly(Map.entry("web-2", 1_000));
        assertThat(status(pool, "web-1").active()).isEqualTo(1);
        assertThat(status(pool, "web-1").effectiveWeight()).isZero();
        onFirst.onSuccess(1_000_000);
        onFirst.close();
        assertThat(status(pool, "web-1").active()).isZero();
        assertThat(status(pool, "web-1").served()).isEqualTo(1);
        pool.setAdminState("web-1", AdminState.READY);
        assertThat(spread(pool, 1_000)).containsOnly(Map.entry("web-1", 500), Map.entry("web-2", 500));
    }

    @Test
    void shouldServeTheQueueWhenADisabledBackendIsEnabled() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002)));
        pool.setAdminState("web-2", AdminState.DISABLED);
        now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> queued = pool.dispatch(DispatchKey.NONE);
        assertThat(queued).isNotDone();
        pool.setAdminState("web-2", AdminState.READY);
        assertThat(now(queued).backend().id()).isEqualTo("web-2");
    }

    @Test
    void shouldKeepTheStateOfABackendThatStaysAndTheIdentityOfOneThatMoved() {
        pool(PolicyKind.ROUND_ROBIN, 0, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002)));
        Ticket before = now(pool.dispatch(DispatchKey.NONE));
        before.onFailure("reset");
        pool.setWeight("web-1", 7);
        pool.update(List.of(backend("web-1", 2001), backend("web-2", 1002))); // web-1 moved to another node
        assertThat(status(pool, "web-1").address()).isEqualTo("127.0.0.1:2001");
        assertThat(status(pool, "web-1").active()).isEqualTo(1);
        assertThat(status(pool, "web-1").failed()).isEqualTo(1);
        assertThat(status(pool, "web-1").weight()).isEqualTo(7);
        assertThat(status(pool, "web-1").effectiveWeight()).as("no slow start for a backend that stays").isEqualTo(7);
        assertThat(before.backend().address().getPort()).as("a ticket keeps the address it was given").isEqualTo(1001);
        before.close();
        Ticket after = now(pool.dispatch(DispatchKey.NONE));
        assertThat(after.backend().address().getPort()).isIn(2001, 1002);
    }

    @Test
    void shouldWeighByTheNamingAttributeUnlessOverriddenAtRuntime() {
        pool(PolicyKind.WEIGHTED_ROUND_ROBIN, 0, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001, Map.of("weight", "3")), backend("web-2", 1002, Map.of("weight", "junk"))));
        assertThat(spread(pool, 4_000)).containsOnly(Map.entry("web-1", 3_000), Map.entry("web-2", 1_000));
        pool.setWeight("web-2", 3);
        assertThat(spread(pool, 4_000)).containsOnly(Map.entry("web-1", 2_000), Map.entry("web-2", 2_000));
        assertThatThrownBy(() -> pool.setWeight("web-2", 0)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        assertThatThrownBy(() -> pool.setWeight("web-9", 2)).isInstanceOfSatisfying(CaravanException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> pool.setAdminState("web-9", AdminState.DRAIN)).isInstanceOf(CaravanException.class);
    }

    @Test
    void shouldFailQueuedDispatchesWithUnavailableOnClose() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001)));
        now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> queued = pool.dispatch(DispatchKey.NONE);
        pool.close();
        assertFailedWith(queued, ErrorCode.UNAVAILABLE);
        assertFailedWith(pool.dispatch(DispatchKey.NONE), ErrorCode.UNAVAILABLE);
    }

    @Test
    void shouldGiveBackTheSlotOfACancelledQueuedDispatch() {
        pool(PolicyKind.ROUND_ROBIN, 1, 10, 1_000);
        pool.update(List.of(backend("web-1", 1001)));
        Ticket held = now(pool.dispatch(DispatchKey.NONE));
        CompletableFuture<Ticket> cancelled = pool.dispatch(DispatchKey.NONE);
        CompletableFuture<Ticket> waiting = pool.dispatch(DispatchKey.NONE);
        cancelled.cancel(false);
        held.close();
        assertThat(now(waiting).backend().id()).isEqualTo("web-1");
        assertThat(status(pool, "web-1").active()).isEqualTo(1);
    }
}
