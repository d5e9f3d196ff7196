package dev.caravan.switching;

import dev.caravan.core.time.Clock;

/**
 * The one place the switch creates a route's pool ({@link RoutePool.Factory}).
 *
 * <p>Threading: stateless; thread-safe.
 */
public final class Dispatchers {
    private Dispatchers() {
    }

    /** The pool for {@code route} of {@code frontend}, empty until the naming watch feeds it. */
    public static RoutePool create(FrontendSpec frontend, Route route, Clock clock) {
        dev.caravan.switching.pool.BackendPool pool = dev.caravan.switching.pool.BackendPool.create(frontend, route, clock);
        return new RoutePool(pool, pool, pool, pool::close);
    }
}
