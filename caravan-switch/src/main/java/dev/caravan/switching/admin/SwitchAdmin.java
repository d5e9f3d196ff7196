package dev.caravan.switching.admin;

import dev.caravan.switching.AdminState;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendSpec;

import java.util.List;

/**
 * What the admin API can see and change in a running switch ({@code SwitchDaemon} implements it).
 *
 * <p>Threading: thread-safe. Errors are {@link dev.caravan.wire.CaravanException}s whose code the
 * API maps to an HTTP status.
 */
public interface SwitchAdmin {
    /** The running front ends, sorted by name. */
    List<Frontend> frontends();

    /**
     * One backend of one route of one front end.
     *
     * @param mode how the front end serves its clients ({@link Frontend#backendMode}): {@code handoff},
     *             {@code splice (other host)}, {@code transport}, … ("" when not known)
     */
    record RouteBackend(String frontend, int route, String selector, BackendStatus status, String mode) {
        /** A backend whose mode is not known. */
        public RouteBackend(String frontend, int route, String selector, BackendStatus status) {
            this(frontend, route, selector, status, "");
        }
    }

    /**
     * Every backend of every route, of one front end or all (null).
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND for an unknown front end
     */
    List<RouteBackend> backends(String frontend);

    /**
     * Starts a front end at runtime.
     *
     * @throws dev.caravan.wire.CaravanException ALREADY_EXISTS for a name in use, UNAVAILABLE when its address cannot be bound
     */
    Frontend declare(FrontendSpec spec);

    /** @throws dev.caravan.wire.CaravanException NOT_FOUND for an unknown front end */
    void remove(String frontend);

    /**
     * Sets a backend's weight in every route that has it.
     *
     * @throws dev.caravan.wire.CaravanException NOT_FOUND when no route has it, INVALID_ARGUMENT for a weight outside 1..256
     */
    void setWeight(String backendId, int weight);

    /** Sets a backend's admin state in every route that has it. @throws dev.caravan.wire.CaravanException NOT_FOUND */
    void setAdminState(String backendId, AdminState state);
}
