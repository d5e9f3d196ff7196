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
        // replaced by sw-pool's BackendPool at merge
        RoundRobinPlaceholder pool = new RoundRobinPlaceholder();
        return new RoutePool(pool, pool, pool, () -> { });
    }
}
