package dev.caravan.switching.process;

import dev.caravan.naming.NamingEntry;
import dev.caravan.servers.forward.Idempotence;
import dev.caravan.servers.forward.ProcessForwarder;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.switching.DispatchMode;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.SwitchContext;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.resp.RespLimits;

import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * A PROCESS front end: one stateful RESP process (the Redis-compatible one) reachable through
 * the switch by name. The switch holds each client's connection and sends its batches, in the
 * client's session, to wherever the process runs now, over a {@link ProcessForwarder} (the same
 * class the node's stable endpoint uses): it follows {@code -MOVED} at once, waits out
 * {@code -TRYAGAIN}, never passes either to a client, never sends a batch twice, and tells the
 * process when a client closed. Unlike the stable endpoint it does not live on the process's
 * home node, so a node can be stopped once the process has moved off it.
 *
 * <p><b>Where and how.</b> The process is looked up in naming ({@code process/<name>}, the
 * route's {@code name:} selector) for every batch that needs a new link. Its client limits are
 * the ones its data endpoint applies, read once, at construction, from the naming entry's
 * attributes (published by the node): {@code auth=password} when clients must authenticate
 * (then redis-server's unauthenticated limits apply to each client connection until its AUTH
 * or HELLO reply shows it authenticated), and the request limit keys the deployment overrode
 * ({@link RespLimits#PROTO_MAX_BULK_LEN} and the like). A process not registered yet gets
 * {@link RespLimits#DEFAULTS} and no password requirement here (the process still asks for the
 * password itself).
 *
 * <p>Counters: {@link #dispatched} counts batches the process answered; {@link #refused} counts
 * batches answered with an error because it could not be reached within 30 s, or the link broke
 * mid-request.
 *
 * <p>Threading: one virtual thread per client connection; {@link #close} from any thread.
 */
public final class ProcessFrontend implements Frontend {
    /** The naming attribute under which a node says how a process's clients authenticate. */
    public static final String AUTH_ATTRIBUTE = "auth";
    /** Its value when a password is required. */
    public static final String AUTH_PASSWORD = "password";

    private final FrontendSpec spec;
    private final ProcessForwarder forwarder;
    private final Server server;

    /**
     * Binds {@code spec.listen()} and serves at once.
     *
     * @throws CaravanException INVALID_ARGUMENT when the spec is not a PROCESS front end, UNAVAILABLE
     *                          naming the address when it cannot be bound
     */
    public ProcessFrontend(FrontendSpec spec, SwitchContext context) {
        if (spec.mode() != DispatchMode.PROCESS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("front end " + spec.name() + " is " + spec.mode() + ", not process");
        }
        this.spec = spec;
        String process = spec.routes().getFirst().backends().value();
        String entryName = "process/" + process;
        Map<String, String> attributes = lookup(context, entryName).map(NamingEntry::attributes).orElse(Map.of());
        RespLimits limits = RespLimits.DEFAULTS.with(attributes);
        boolean passwordRequired = AUTH_PASSWORD.equals(attributes.get(AUTH_ATTRIBUTE));
        this.forwarder = new ProcessForwarder(process,
                () -> lookup(context, entryName).map(e -> new InetSocketAddress(e.host(), e.port())).orElse(null),
                context.clock()::nanoTime, context.linkToken(), Idempotence.NONE,
                dev.caravan.switching.TlsSessionLinks.opener(context, process));
        try {
            this.server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(forwarder.handler(), limits, passwordRequired),
                    ServerOptions.defaults().withBind(spec.listen()).withName("switch-" + spec.name()));
        } catch (UncheckedIOException e) {
            forwarder.close();
            throw dev.caravan.switching.BindFailure.of(spec.name(), spec.listen(), e.getCause());
        }
    }

    private static Optional<NamingEntry> lookup(SwitchContext context, String entryName) {
        try {
            return context.naming().lookup(entryName);
        } catch (CaravanException e) {
            return Optional.empty();
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
        return forwarder.forwarded();
    }

    @Override
    public long refused() {
        return forwarder.failed();
    }

    @Override
    public void close() {
        CloseAll all = new CloseAll();
        all.run(forwarder::close);
        all.run(server::close);
        all.throwIfFailed("closing front end " + spec.name());
    }
}
