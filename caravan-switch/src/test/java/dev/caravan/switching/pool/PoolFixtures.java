package dev.caravan.switching.pool;

import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendSelector;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Dispatcher.Ticket;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.FrontendSpec.BackendLimits;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Specs, backends and assertions shared by the pool tests. */
final class PoolFixtures {
    private PoolFixtures() {
    }

    static BackendLimits limits(int maxConnections, int maxQueued, long queueTimeoutMs, long probeIntervalMs,
                                int fall, int rise, long slowStartMs) {
        return new BackendLimits(maxConnections, maxQueued, queueTimeoutMs, probeIntervalMs, fall, rise, slowStartMs);
    }

    static Route route(PolicyKind policy) {
        return new Route(Route.RouteMatch.ANY, BackendSelector.parse("prefix:web"), policy, null);
    }

    static FrontendSpec spec(FrontendProtocol protocol, BackendLimits limits) {
        return new FrontendSpec("web", new InetSocketAddress("127.0.0.1", 0), protocol, DispatchMode.TRANSPORT,
                List.of(route(PolicyKind.ROUND_ROBIN)), limits);
    }

    static Backend backend(String id, int port) {
        return new Backend(id, new InetSocketAddress("127.0.0.1", port), "n1", Map.of());
    }

    static Backend backend(String id, int port, Map<String, String> attributes) {
        return new Backend(id, new InetSocketAddress("127.0.0.1", port), "n1", attributes);
    }

    static BackendStatus status(BackendPool pool, String id) {
        return pool.status().stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
    }

    static Ticket now(CompletableFuture<Ticket> future) {
        assertThat(future).isCompleted();
        return future.join();
    }

    static void assertFailedWith(CompletableFuture<Ticket> future, ErrorCode code) {
        assertThat(future).isCompletedExceptionally();
        Throwable t = catchThrowable(future::join);
        assertThat(t).isInstanceOf(CompletionException.class);
        assertThat(t.getCause()).isInstanceOf(CaravanException.class);
        assertThat(((CaravanException) t.getCause()).code()).isEqualTo(code);
    }

    static Map<String, Integer> spread(BackendPool pool, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            try (Ticket t = now(pool.dispatch(dev.caravan.switching.policy.DispatchKey.NONE))) {
                counts.merge(t.backend().id(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
