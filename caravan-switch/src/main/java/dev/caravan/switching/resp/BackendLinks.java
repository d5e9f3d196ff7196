package dev.caravan.switching.resp;

import dev.caravan.naming.NamingEntry;
import dev.caravan.servers.forward.Idempotence;
import dev.caravan.servers.forward.ProcessForwarder;
import dev.caravan.switching.Backend;
import dev.caravan.switching.SwitchContext;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link ProcessForwarder} per backend (a kv process, by its id, which is its process name),
 * made on first use: each client's commands reach a backend in the client's session over the
 * forwarder's pooled session links, and a backend that migrates is followed ({@code -MOVED} at
 * once, {@code -TRYAGAIN} waited out) without the client seeing either. Where a backend runs is
 * read from naming ({@code process/<id>}) whenever a new link is needed, else the address the
 * route's members showed when the forwarder was made.
 *
 * <p>Threading: thread-safe.
 */
final class BackendLinks implements AutoCloseable {
    private final SwitchContext context;
    private final ConcurrentHashMap<String, ProcessForwarder> forwarders = new ConcurrentHashMap<>();
    private volatile boolean closed;

    BackendLinks(SwitchContext context) {
        this.context = context;
    }

    /** The forwarder of {@code backend}; null once closed. */
    ProcessForwarder forwarder(Backend backend) {
        if (closed) {
            return null;
        }
        return forwarders.computeIfAbsent(backend.id(), id -> new ProcessForwarder(id,
                () -> where(id).orElse(backend.address()), context.clock()::nanoTime, context.linkToken(), Idempotence.NONE,
                dev.caravan.switching.TlsSessionLinks.opener(context, id)));
    }

    /** The forwarder of the backend called {@code id}, if one was made. */
    ProcessForwarder existing(String id) {
        return forwarders.get(id);
    }

    private Optional<InetSocketAddress> where(String id) {
        try {
            return context.naming().lookup("process/" + id).map(BackendLinks::address);
        } catch (CaravanException e) {
            // Naming unreachable for now: the address the member had when the forwarder was made.
            return Optional.empty();
        }
    }

    private static InetSocketAddress address(NamingEntry e) {
        return new InetSocketAddress(e.host(), e.port());
    }

    @Override
    public void close() {
        closed = true;
        CloseAll all = new CloseAll();
        forwarders.values().forEach(f -> all.run(f::close));
        all.throwIfFailed("closing backend links");
    }
}
