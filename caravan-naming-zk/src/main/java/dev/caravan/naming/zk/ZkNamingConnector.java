package dev.caravan.naming.zk;

import dev.caravan.naming.NamingService;
import dev.caravan.naming.NamingSpec;
import dev.caravan.naming.spi.NamingConnector;
import dev.caravan.wire.security.TransportSecurity;

import java.time.Duration;

/**
 * The {@code zk} scheme of {@link dev.caravan.naming.NamingConnections}: opens a
 * {@link ZkNamingService} on the spec's ensemble and chroot, connecting eagerly.
 *
 * <p>The cluster token is not used: ZooKeeper authenticates with its own mechanisms (SASL,
 * digest, TLS, set up in the ensemble and the client's JAAS configuration; TLS from a Caravan identity
 * directory is set up here, see {@link ZkTlsSettings}), and the znodes are
 * created with open ACLs, so the ensemble must be reachable only from the cluster's hosts.
 */
public final class ZkNamingConnector implements NamingConnector {
    @Override
    public String scheme() {
        return NamingSpec.ZOOKEEPER;
    }

    @Override
    public NamingService connect(NamingSpec spec, String who, String token, Duration timeout) {
        return ZkNamingService.connect(spec, timeout);
    }

    /** Over ZooKeeper's own client TLS with {@code security}'s identity ({@link ZkTlsSettings}); plaintext as above. */
    @Override
    public NamingService connect(NamingSpec spec, String who, String token, Duration timeout, TransportSecurity security) {
        return ZkNamingService.connect(spec, timeout, security);
    }
}
