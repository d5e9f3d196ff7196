package dev.caravan.switching;

import java.util.List;

/**
 * Runtime control of a route's backends (the admin API and {@code caravan switch weight | drain |
 * enable | disable}).
 *
 * <p>Threading: thread-safe.
 */
public interface BackendControl {
    /**
     * @throws dev.caravan.wire.CaravanException NOT_FOUND for an unknown backend, INVALID_ARGUMENT for a weight outside 1..256
     */
    void setWeight(String backendId, int weight);

    /** @throws dev.caravan.wire.CaravanException NOT_FOUND for an unknown backend */
    void setAdminState(String backendId, AdminState state);

    /** Every backend of the route, sorted by id. */
    List<BackendStatus> status();
}
