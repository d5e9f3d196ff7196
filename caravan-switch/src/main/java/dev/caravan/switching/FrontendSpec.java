package dev.caravan.switching;

import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/**
 * A declared front end: where it listens, what its clients speak, how it dispatches, and where to.
 * Declared in the switch's config file or through its admin API (see {@code docs/switch.md}).
 *
 * @param name     unique within the switch (letters, digits, '-', '_', '.'; 1..64)
 * @param listen   address to bind (port 0: any free port, reported by {@link Frontend#address()})
 * @param protocol what clients speak
 * @param mode     how requests are dispatched
 * @param routes   at least one; TRANSPORT, HANDOFF and PROCESS front ends have exactly one
 * @param limits   per-backend connection limits, queueing and health settings
 */
public record FrontendSpec(String name, InetSocketAddress listen, FrontendProtocol protocol, DispatchMode mode,
                           List<Route> routes, BackendLimits limits) {
    public FrontendSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(mode, "mode");
        routes = List.copyOf(routes);
        limits = limits == null ? BackendLimits.DEFAULTS : limits;
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end name '" + name + "' must be 1..64 letters, digits, '-', '_' or '.'");
        }
        if (routes.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + name + " has no backends");
        }
        if (mode != DispatchMode.CONTENT && routes.size() != 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + name + ": only a content-aware front end has several routes");
        }
        if (mode == DispatchMode.CONTENT && protocol == FrontendProtocol.TCP) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + name + ": content-aware dispatch needs http or resp, not tcp");
        }
        if (mode == DispatchMode.PROCESS && (protocol != FrontendProtocol.RESP
                || routes.getFirst().backends().kind() != BackendSelector.Kind.NAME)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + name + ": process mode serves RESP for one process by name");
        }
    }

    /**
     * Per-backend limits and health settings of a front end (HAProxy's {@code maxconn},
     * {@code timeout queue}, {@code inter}/{@code fall}/{@code rise}, {@code slowstart}).
     *
     * @param maxConnectionsPerBackend connections (or in-flight requests) per backend; 0 for no limit
     * @param maxQueued                dispatches waiting for a free slot across the front end; beyond it, refused
     * @param queueTimeoutMs           how long a dispatch waits in the queue before it is refused
     * @param probeIntervalMs          active health check period; 0 disables active checks
     * @param fall                     consecutive failed checks (active or passive) that take a backend out
     * @param rise                     consecutive good probes that bring it back
     * @param slowStartMs              how long a returning backend's weight ramps from 1 to full; 0 for none
     */
    public record BackendLimits(int maxConnectionsPerBackend, int maxQueued, long queueTimeoutMs, long probeIntervalMs,
                                int fall, int rise, long slowStartMs) {
        public static final BackendLimits DEFAULTS = new BackendLimits(0, 1024, 5_000, 1_000, 3, 2, 10_000);

        public BackendLimits {
            if (maxConnectionsPerBackend < 0 || maxQueued < 0 || queueTimeoutMs < 0 || probeIntervalMs < 0
                    || fall < 1 || rise < 1 || slowStartMs < 0) {
                throw ErrorCode.INVALID_ARGUMENT.exception("backend limits must be ≥ 0 (fall and rise ≥ 1)");
            }
        }
    }
}
