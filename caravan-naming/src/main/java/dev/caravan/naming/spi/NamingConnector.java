package dev.caravan.naming.spi;

import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;

import dev.caravan.wire.security.TransportSecurity;

import java.time.Duration;

/**
 * A naming back end for one {@link NamingSpec} scheme, found by {@link java.util.ServiceLoader}
 * (listed in {@code META-INF/services/dev.caravan.naming.spi.NamingConnector}). Implementations
 * need a public no-argument constructor and are stateless.
 */
public interface NamingConnector {
    /** The scheme served, for example {@code zk}. */
    String scheme();

    /**
     * Opens a service; the caller closes it.
     *
     * @param who   who connects (for example {@code node/n1}), recorded as the holder of its leases
     * @param token the cluster token, "" when none; a back end with its own authentication may ignore it and says so
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE or TIMEOUT when the back end cannot be reached within {@code timeout}
     */
    NamingService connect(NamingSpec spec, String who, String token, Duration timeout);

    /**
     * As above, with the transport security of the caller ({@code --tls DIR} or {@code $CARAVAN_TLS}).
     * The default ignores it and connects as above; a back end that can use it overrides this.
     */
    default NamingService connect(NamingSpec spec, String who, String token, Duration timeout, TransportSecurity security) {
        return connect(spec, who, token, timeout);
    }
}
