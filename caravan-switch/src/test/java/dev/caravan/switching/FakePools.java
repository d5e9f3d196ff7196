package dev.caravan.switching;

import dev.caravan.core.time.Clock;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.wire.ErrorCode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Pools that record what the switch fed them and what the admin API asked of them. */
final class FakePools implements RoutePool.Factory {
    /** One route's fake: its backends as last fed, and every control call as text. */
    static final class Fake implements Dispatcher, BackendSink, BackendControl {
        final FrontendSpec frontend;
        volatile List<Backend> backends = List.of();
        final List<String> calls = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        Fake(FrontendSpec frontend) {
            this.frontend = frontend;
        }

        @Override
        public void update(List<Backend> current) {
            backends = List.copyOf(current);
        }

        @Override
        public CompletableFuture<Ticket> dispatch(DispatchKey key) {
            return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("fake"));
        }

        @Override
        public void setWeight(String backendId, int weight) {
            known(backendId);
            calls.add("weight " + backendId + " " + weight);
        }

        @Override
        public void setAdminState(String backendId, AdminState state) {
            known(backendId);
            calls.add(state + " " + backendId);
        }

        private void known(String id) {
            if (backends.stream().noneMatch(b -> b.id().equals(id))) {
                throw ErrorCode.NOT_FOUND.exception("no backend " + id);
            }
        }

        @Override
        public List<BackendStatus> status() {
            return backends.stream().map(b -> new BackendStatus(b.id(), b.address().getHostString() + ":" + b.address().getPort(),
                    b.node(), AdminState.READY, true, 1, 1, 0, 0, 0)).toList();
        }
    }

    final Map<String, Fake> byFrontend = new ConcurrentHashMap<>();

    @Override
    public RoutePool create(FrontendSpec frontend, Route route, Clock clock) {
        Fake f = new Fake(frontend);
        byFrontend.put(frontend.name(), f);
        return new RoutePool(f, f, f, () -> f.closed = true);
    }
}
