package dev.caravan.node;

import dev.caravan.servers.forward.Idempotence;
import dev.caravan.servers.forward.Locator;
import dev.caravan.servers.forward.ProcessForwarder;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.resp.RespLimits;

import java.net.InetSocketAddress;
import java.util.function.LongSupplier;

/**
 * A process's stable endpoint (its "home address"): a RESP port on the node where the process
 * was first deployed, which stays put while the process moves; a thin local fallback over the
 * same {@link ProcessForwarder} that the switch's PROCESS front ends use (see there for how it
 * follows migrations, pools session links only while known good, and keeps each client's
 * session). Clients such as redis-cli and redis-benchmark keep their TCP connection across a
 * migration and see only a pause. It dies with its node; the switch's front end does not.
 *
 * <p>The front applies the same request limits as the process's data endpoint, and with a
 * password set the unauthenticated limits to each client connection until its AUTH or HELLO
 * reply shows it authenticated.
 *
 * <p>Threading: served by the toolkit's virtual-thread model; the forwarder is thread-safe.
 */
final class FrontEndpoint implements AutoCloseable {
    private final String processName;
    private final ProcessForwarder forwarder;
    private final Server server;

    /**
     * @param linkToken        the cluster token that opens session links to data endpoints ("" for none)
     * @param limits           request limits for the clients of this endpoint (the process's data endpoint has the same)
     * @param passwordRequired whether clients must authenticate: until they have, Redis's stricter limits apply here,
     *                         at the client's connection (the session links to the process have the full limits)
     */
    FrontEndpoint(String processName, Locator locator, String bindHost, LongSupplier nanoClock, String linkToken,
                  RespLimits limits, boolean passwordRequired) {
        this(processName, locator, bindHost, nanoClock, linkToken, limits, passwordRequired, null);
    }

    /** As above, each session link dialled by {@code opener} (over TLS: {@link dev.caravan.servers.forward.TlsLinkOpener}); null: plaintext. */
    FrontEndpoint(String processName, Locator locator, String bindHost, LongSupplier nanoClock, String linkToken,
                  RespLimits limits, boolean passwordRequired, ProcessForwarder.LinkOpener opener) {
        this.processName = processName;
        this.forwarder = new ProcessForwarder(processName, locator, nanoClock, linkToken, Idempotence.NONE, opener);
        this.server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(forwarder.handler(), limits, passwordRequired),
                ServerOptions.defaults().withBind(new InetSocketAddress(bindHost, 0)).withName("front-" + processName));
    }

    int port() {
        return server.port();
    }

    /** Stops serving and closes every pooled backend connection, even when closing the server fails. */
    @Override
    public void close() {
        CloseAll all = new CloseAll();
        all.run(forwarder::close);
        all.run(server::close);
        all.throwIfFailed("closing the stable endpoint of " + processName);
    }
}
