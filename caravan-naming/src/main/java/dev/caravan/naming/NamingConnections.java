package dev.caravan.naming;

import dev.caravan.naming.spi.NamingConnector;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.net.Hello;
import dev.caravan.wire.security.TransportSecurity;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ServiceLoader;

/**
 * Opens the {@link NamingService} a {@link NamingSpec} names: {@link RemoteNamingService} for the
 * embedded daemon, otherwise the {@link NamingConnector} for the spec's scheme found with
 * {@link ServiceLoader} (the {@code caravan-naming-zk} module provides {@code zk}), so nothing
 * below the launch layer depends on ZooKeeper's libraries.
 *
 * <p>Connecting is lazy for the embedded daemon (its first call connects) and eager for
 * connectors that say so; either way a service that cannot be reached fails its calls with
 * {@code UNAVAILABLE} or {@code TIMEOUT}.
 */
public final class NamingConnections {
    private NamingConnections() {
    }

    /**
     * @param spec    where naming is
     * @param who     who connects, for the server's logs and the session's holder (for example {@code node/n1})
     * @param token   the cluster token ("" when none)
     * @param timeout how long one call (and the connection) may take
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE when no connector serves the scheme
     */
    public static NamingService connect(NamingSpec spec, String who, String token, Duration timeout) {
        return connect(spec, who, token, timeout, TransportSecurity.plaintext());
    }

    /**
     * As above, over {@code security}: the embedded naming daemon's TLS, or for {@code zk://}
     * ZooKeeper's own client TLS set up from the same identity by the connector.
     */
    public static NamingService connect(NamingSpec spec, String who, String token, Duration timeout,
                                        TransportSecurity security) {
        if (!spec.isZooKeeper()) {
            InetSocketAddress a = spec.embeddedAddress();
            InetSocketAddress resolved = a.isUnresolved() ? new InetSocketAddress(a.getHostString(), a.getPort()) : a;
            return new RemoteNamingService(resolved, new Hello(who, token), timeout, security);
        }
        for (NamingConnector c : ServiceLoader.load(NamingConnector.class, NamingConnections.class.getClassLoader())) {
            if (c.scheme().equals(spec.scheme())) {
                return c.connect(spec, who, token, timeout, security);
            }
        }
        throw ErrorCode.UNAVAILABLE.exception("naming " + spec + ": no connector for scheme " + spec.scheme()
                + " on the class path (it comes with the caravan-naming-zk module)");
    }
}
