package dev.caravan.switching;

import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Temporary stand-in for sw-pool's BackendPool: plain round robin over the backends that are
 * READY, no limits, no queue, no health checks.
 * // replaced by sw-pool's BackendPool at merge
 *
 * <p>Threading: thread-safe.
 */
final class RoundRobinPlaceholder implements Dispatcher, BackendSink, BackendControl {
    private record State(Backend backend, int weight, AdminState admin) {
    }

    private final Map<String, State> backends = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLong served = new AtomicLong();

    @Override
    public synchronized void update(List<Backend> current) {
        Map<String, Backend> byId = new java.util.HashMap<>();
        current.forEach(b -> byId.put(b.id(), b));
        backends.keySet().retainAll(byId.keySet());
        byId.forEach((id, b) -> backends.merge(id, new State(b, 1, AdminState.READY),
                (old, fresh) -> new State(b, old.weight(), old.admin())));
    }

    @Override
    public CompletableFuture<Ticket> dispatch(DispatchKey key) {
        List<State> ready = new ArrayList<>();
        for (State s : backends.values()) {
            if (s.admin() == AdminState.READY) {
                ready.add(s);
            }
        }
        if (ready.isEmpty()) {
            return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("no backend is available"));
        }
        ready.sort(Comparator.comparing(s -> s.backend().id()));
        Backend chosen = ready.get(Math.floorMod(next.getAndIncrement(), ready.size())).backend();
        return CompletableFuture.completedFuture(new Ticket() {
            @Override
            public Backend backend() {
                return chosen;
            }

            @Override
            public void onSuccess(long latencyNs) {
                served.incrementAndGet();
            }

            @Override
            public void onFailure(String why) {
            }

            @Override
            public void close() {
            }
        });
    }

    @Override
    public void setWeight(String backendId, int weight) {
        if (weight < 1 || weight > 256) {
            throw ErrorCode.INVALID_ARGUMENT.exception("weight " + weight + " outside 1..256");
        }
        if (backends.computeIfPresent(backendId, (id, s) -> new State(s.backend(), weight, s.admin())) == null) {
            throw ErrorCode.NOT_FOUND.exception("no backend " + backendId);
        }
    }

    @Override
    public void setAdminState(String backendId, AdminState state) {
        if (backends.computeIfPresent(backendId, (id, s) -> new State(s.backend(), s.weight(), state)) == null) {
            throw ErrorCode.NOT_FOUND.exception("no backend " + backendId);
        }
    }

    @Override
    public List<BackendStatus> status() {
        return backends.values().stream().sorted(Comparator.comparing(s -> s.backend().id()))
                .map(s -> new BackendStatus(s.backend().id(), s.backend().address().getHostString() + ":"
                        + s.backend().address().getPort(), s.backend().node(), s.admin(), true, s.weight(),
                        s.admin() == AdminState.READY ? s.weight() : 0, 0, 0, 0))
                .toList();
    }
}
