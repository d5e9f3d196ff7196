package dev.caravan.servers.endpoint;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.Optional;

/**
 * A client's way to a service's endpoint: ask the naming service for {@code service/<name>};
 * when it has no entry, or cannot be reached (UNAVAILABLE / TIMEOUT), fall back to the
 * well-known port table on {@code fallbackHost}.
 *
 * <p>Threading: thread-safe.
 */
public final class EndpointResolver {
    private final NamingService naming;
    private final WellKnownPorts wellKnown;
    private final String fallbackHost;

    /**
     * @param naming       may be {@code null}: then only the table is used
     * @param fallbackHost host for table answers (the table knows ports, not hosts)
     */
    public EndpointResolver(NamingService naming, WellKnownPorts wellKnown, String fallbackHost) {
        this.naming = naming;
        this.wellKnown = wellKnown;
        this.fallbackHost = fallbackHost;
    }

    /**
     * The endpoint of {@code name}.
     *
     * @throws CaravanException NOT_FOUND when neither naming nor the table knows it
     */
    public Endpoint resolve(String name) {
        Optional<NamingEntry> registered = askNaming(name);
        if (registered.isPresent() && registered.get().port() > 0) {
            NamingEntry e = registered.get();
            return new Endpoint(e.host(), e.port(), Endpoint.Source.NAMING);
        }
        return wellKnown.lookup(name)
                .map(s -> new Endpoint(fallbackHost, s.port(), Endpoint.Source.WELL_KNOWN))
                .orElseThrow(() -> ErrorCode.NOT_FOUND.exception(
                        "service '" + name + "' is neither registered nor in the well-known port table"));
    }

    private Optional<NamingEntry> askNaming(String name) {
        if (naming == null) {
            return Optional.empty();
        }
        try {
            return naming.lookup(EndpointRegistration.PREFIX + name);
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.UNAVAILABLE || e.code() == ErrorCode.TIMEOUT) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
