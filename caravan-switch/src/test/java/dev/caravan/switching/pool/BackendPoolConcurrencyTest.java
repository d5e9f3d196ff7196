package dev.caravan.switching.pool;

import dev.caravan.core.time.Clock;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.switching.policy.PolicyKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.caravan.switching.pool.PoolFixtures.backend;
import static dev.caravan.switching.pool.PoolFixtures.limits;
import static dev.caravan.switching.pool.PoolFixtures.route;
import static dev.caravan.switching.pool.PoolFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

class BackendPoolConcurrencyTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 3_000;
    private static final int LIMIT = 2;

    @Test
    void shouldKeepCountsExactAndLimitsHeldUnderConcurrentDispatchAndClose() throws Exception {
        for (PolicyKind policy : PolicyKind.values()) {
            try (BackendPool pool = new BackendPool(spec(FrontendProtocol.TCP, limits(LIMIT, 10_000, 60_000, 0, 3, 2, 0)),
                    route(policy), Clock.system(), null)) {
                pool.update(List.of(backend("web-1", 1001), backend("web-2", 1002), backend("web-3", 1003)));
                Map<String, AtomicInteger> held = new ConcurrentHashMap<>();
                AtomicInteger overLimit = new AtomicInteger();
                AtomicInteger errors = new AtomicInteger();
                CountDownLatch done = new CountDownLatch(THREADS);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    threads.add(Thread.ofPlatform().start(() -> {
                        try {
                            for (int i = 0; i < PER_THREAD; i++) {
                                DispatchKey key = new DispatchKey(null, "s" + (i % 50), "k" + (i * 31 + thread) % 97);
                                Ticket ticket = pool.dispatch(key).get(30, TimeUnit.SECONDS);
                                AtomicInteger n = held.computeIfAbsent(ticket.backend().id(), id -> new AtomicInteger());
                                if (n.incrementAndGet() > LIMIT) {
                                    overLimit.incrementAndGet();
                                }
                                n.decrementAndGet();
                                ticket.onSuccess(1_000);
                                ticket.close();
                            }
                        } catch (Exception e) {
                            errors.incrementAndGet();
                        } finally {
                            done.countDown();
                        }
                    }));
                }
                assertThat(done.await(60, TimeUnit.SECONDS)).as(policy + " finished").isTrue();
                for (Thread t : threads) {
                    t.join();
                }
                assertThat(errors.get()).as(policy + " errors").isZero();
                assertThat(overLimit.get()).as(policy + " tickets above the per-backend limit").isZero();
                List<BackendStatus> status = pool.status();
                assertThat(status).allSatisfy(s -> assertThat(s.active()).isZero());
                assertThat(status.stream().mapToLong(BackendStatus::served).sum()).as(policy.cliName())
                        .isEqualTo((long) THREADS * PER_THREAD);
            }
        }
    }
}
