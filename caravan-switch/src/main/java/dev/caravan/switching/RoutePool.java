package dev.caravan.switching;

import java.util.Objects;

/**
 * The backend pool of one route of one front end, seen through its three roles: the front end
 * dispatches through it, the naming watch feeds it, the admin API controls it. One object
 * (sw-pool's {@code BackendPool}) normally plays all three; {@code resources} releases it
 * (health-check timers, queued dispatches).
 *
 * <p>Threading: the parts are thread-safe; {@link #close} is called once, by the switch.
 */
public record RoutePool(Dispatcher dispatcher, BackendSink sink, BackendControl control, AutoCloseable resources)
        implements AutoCloseable {
    public RoutePool {
        Objects.requireNonNull(dispatcher, "dispatcher");
        Objects.requireNonNull(sink, "sink");
        Objects.requireNonNull(control, "control");
        Objects.requireNonNull(resources, "resources");
    }

    /** Makes the pool of a route; the switch calls it once per (front end, route). */
    @FunctionalInterface
    public interface Factory {
        RoutePool create(FrontendSpec frontend, Route route, dev.caravan.core.time.Clock clock);
    }

    /** Releases the pool; a checked failure is wrapped (INTERNAL). */
    @Override
    public void close() {
        dev.caravan.wire.CloseAll.closeAll("closing a backend pool", resources);
    }
}
