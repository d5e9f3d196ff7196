package dev.caravan.switching.resp;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendProtocol;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.SwitchContext;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.resp.RespLimits;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/**
 * A content-aware RESP front end: clients speak RESP2/RESP3 to the switch and each command goes
 * by its key to the key's home — one shard (a kv process) of a keyspace spread over a backend
 * set. A key's home is fixed by the set's membership in naming alone ({@link RouteMembers},
 * rendezvous hashing): never by health, load or a migration in progress, so a shard that moves
 * keeps its keys and their commands wait for it. See docs/switch.md, "Content-aware RESP", for what is
 * routed how; {@link KeyRouter} draws the flow, {@link CommandKeys} the key table,
 * {@link LocalReplies} what the switch answers itself.
 *
 * <p>For each backend a client reaches, the switch holds a session of the client there, over
 * the backend's {@link dev.caravan.servers.forward.ProcessForwarder} (shared by all clients):
 * a backend that migrates is followed and no {@code -MOVED} or {@code -TRYAGAIN} reaches a
 * client. Pipelining is kept: the replies of a batch are written in request order. Malformed RESP
 * is answered {@code -ERR Protocol error: …} and that client's connection closes
 * ({@link RespProtocol}); other clients are not affected. Request limits are redis-server's
 * defaults ({@link RespLimits#DEFAULTS}); authentication is the backends' (AUTH and HELLO are
 * forwarded), so the switch applies no stricter limits to clients that have not authenticated.
 *
 * <p>Counters: {@link #dispatched} counts commands a backend answered; {@link #refused} counts
 * commands answered with an error because their route has no member in naming.
 *
 * <p>Threading: one virtual thread per client connection (and one more per extra backend of a
 * pipelined batch); {@link #close} from any thread.
 */
public final class RespContentFrontend implements Frontend {
    private final FrontendSpec spec;
    private final RouteTable routes;
    private final BackendLinks links;
    private final KeyRouter router;
    private final Server server;

    /**
     * Binds {@code spec.listen()} and serves at once.
     *
     * @throws CaravanException INVALID_ARGUMENT when the spec is not a content-aware RESP front end or a
     *                          route's policy is not {@code affinity} by {@code resp-key},
     *                          UNAVAILABLE naming the address when it cannot be bound; what naming
     *                          throws when it cannot be reached
     */
    public RespContentFrontend(FrontendSpec spec, SwitchContext context) {
        if (spec.mode() != DispatchMode.CONTENT || spec.protocol() != FrontendProtocol.RESP) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name() + " is " + spec.mode() + "/"
                    + spec.protocol() + ", not content/resp");
        }
        this.spec = spec;
        this.routes = new RouteTable(spec, context);
        this.links = new BackendLinks(context);
        this.router = new KeyRouter(routes, links);
        try {
            this.server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(router, RespLimits.DEFAULTS),
                    ServerOptions.defaults().withBind(spec.listen()).withName("switch-" + spec.name()));
        } catch (UncheckedIOException e) {
            CloseAll.closeAll("closing front end " + spec.name(), links, routes);
            throw ErrorCode.UNAVAILABLE.exception("front end " + spec.name() + " cannot listen on "
                    + spec.listen().getHostString() + ":" + spec.listen().getPort() + ": " + e.getCause().getMessage());
        }
    }

    @Override
    public FrontendSpec spec() {
        return spec;
    }

    @Override
    public InetSocketAddress address() {
        return new InetSocketAddress(spec.listen().getAddress(), server.port());
    }

    @Override
    public int clientConnections() {
        return server.activeConnections();
    }

    @Override
    public long dispatched() {
        return router.dispatched();
    }

    @Override
    public long refused() {
        return router.refused();
    }

    @Override
    public void close() {
        CloseAll all = new CloseAll();
        all.run(server::close);
        all.run(links::close);
        all.run(routes::close);
        all.throwIfFailed("closing front end " + spec.name());
    }
}
