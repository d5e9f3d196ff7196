package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameConnection;
import dev.caravan.wire.net.FrameHandler;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes naming requests (layouts in {@link NamingProtocol}) and applies them to a
 * {@link NamingService}. Runs on each connection's own thread; the service is thread-safe,
 * and the connection's watches live in its attributes so {@link #onClose} can cancel them.
 */
final class NamingRequestHandler implements FrameHandler {
    /** Watches one connection may hold; a client needs a handful. */
    static final int MAX_WATCHES_PER_CONNECTION = 1024;
    private static final String WATCHES = "naming.watches";
    private static final byte[] EMPTY = new byte[0];

    /** Requests served, by frame type (the op's code); read by {@link NamingServer#requestCounts}. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, java.util.concurrent.atomic.LongAdder> requests =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final System.Logger LOG = System.getLogger(NamingRequestHandler.class.getName());
    private final NamingService service;
    /** Who a peer is by its token; null: the server's single cluster token decides (no roles enforced beyond it). */
    private final dev.caravan.wire.security.TokenAuthenticator authenticator;

    NamingRequestHandler(NamingService service, dev.caravan.wire.security.TokenAuthenticator authenticator) {
        this.service = service;
        this.authenticator = authenticator;
    }

    @Override
    public dev.caravan.wire.security.Identity authenticate(dev.caravan.wire.net.Hello hello) {
        return authenticator == null ? null : authenticator.authenticate(hello);
    }

    /** Enforces {@link dev.caravan.wire.security.OpPolicy}: a viewer may look up and watch, only nodes hold leases and register. */
    @Override
    public void authorize(FrameConnection connection, Frame request) {
        String why = dev.caravan.wire.security.OpPolicy.refusal(connection.identity(), request.type());
        if (why != null) {
            LOG.log(System.Logger.Level.INFO, "naming refused " + Op.name(request.type()) + ": " + why);
            throw ErrorCode.FORBIDDEN.exception(why);
        }
    }

    /** Requests received so far, by op label (ping, lookup, register, ...; "other" for unknown ops). */
    java.util.Map<String, Long> requestCounts() {
        java.util.Map<String, Long> out = new java.util.TreeMap<>();
        requests.forEach((type, n) -> out.merge(opLabel(type), n.sum(), Long::sum));
        return out;
    }

    static String opLabel(int type) {
        return switch (type) {
            case Op.PING -> "ping";
            case Op.NAMING_OPEN_LEASE -> "open-lease";
            case Op.NAMING_RENEW_LEASE -> "renew-lease";
            case Op.NAMING_CLOSE_LEASE -> "close-lease";
            case Op.NAMING_REGISTER -> "register";
            case Op.NAMING_UNREGISTER -> "unregister";
            case Op.NAMING_LOOKUP -> "lookup";
            case Op.NAMING_LIST -> "list";
            case Op.NAMING_WATCH -> "watch";
            case Op.NAMING_UNWATCH -> "unwatch";
            default -> "other";
        };
    }

    @Override
    public Frame onFrame(FrameConnection connection, Frame request) {
        requests.computeIfAbsent(opLabel(request.type()).equals("other") ? -1 : request.type(),
                t -> new java.util.concurrent.atomic.LongAdder()).increment();
        BodyReader r = request.reader();
        long id = request.requestId();
        switch (request.type()) {
            case Op.PING -> {
                r.expectEnd();
                return Frame.ok(id, EMPTY);
            }
            case Op.NAMING_OPEN_LEASE -> {
                String holder = r.string();
                long ttlMs = r.i64();
                r.expectEnd();
                Lease lease = service.openLease(holder, ttlMs);
                return Frame.ok(id, new BodyWriter(16).i64(lease.id()).i64(lease.ttlMs()).toBytes());
            }
            case Op.NAMING_RENEW_LEASE -> {
                long leaseId = r.i64();
                r.expectEnd();
                service.renew(leaseId);
                return Frame.ok(id, EMPTY);
            }
            case Op.NAMING_CLOSE_LEASE -> {
                long leaseId = r.i64();
                r.expectEnd();
                service.closeLease(leaseId);
                return Frame.ok(id, EMPTY);
            }
            case Op.NAMING_REGISTER -> {
                long leaseId = r.i64();
                NamingEntry entry = NamingEntry.readFrom(r);
                r.expectEnd();
                service.register(leaseId, entry);
                return Frame.ok(id, EMPTY);
            }
            case Op.NAMING_UNREGISTER -> {
                long leaseId = r.i64();
                String name = r.string();
                long epoch = r.i64();
                r.expectEnd();
                service.unregister(leaseId, name, epoch);
                return Frame.ok(id, EMPTY);
            }
            case Op.NAMING_LOOKUP -> {
                String name = r.string();
                r.expectEnd();
                Optional<NamingEntry> found = service.lookup(name).filter(e -> SliceVisibility.visible(connection.identity(), e));
                BodyWriter w = new BodyWriter(128).bool(found.isPresent());
                found.ifPresent(e -> e.writeTo(w));
                return Frame.ok(id, w.toBytes());
            }
            case Op.NAMING_LIST -> {
                String prefix = r.string();
                r.expectEnd();
                BodyWriter w = new BodyWriter(256);
                NamingProtocol.writeEntries(w, SliceVisibility.visible(connection.identity(), service.list(prefix)));
                return Frame.ok(id, w.toBytes());
            }
            case Op.NAMING_WATCH -> {
                String prefix = r.string();
                boolean snapshot = r.bool();
                r.expectEnd();
                onWatch(connection, id, prefix, snapshot);
                return null;
            }
            case Op.NAMING_UNWATCH -> {
                long watchId = r.i64();
                r.expectEnd();
                ServerWatch w = watchesOf(connection).remove(watchId);
                if (w == null) {
                    throw ErrorCode.NOT_FOUND.exception("no watch " + watchId + " on this connection");
                }
                w.cancel();
                return Frame.ok(id, EMPTY);
            }
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("the naming port does not serve "
                    + Op.name(request.type()));
        }
    }

    /** Registers the watch, then sends the reply itself so that it precedes the watch's events. */
    private void onWatch(FrameConnection connection, long watchId, String prefix, boolean snapshot) {
        Map<Long, ServerWatch> mine = watchesOf(connection);
        if (mine.size() >= MAX_WATCHES_PER_CONNECTION) {
            throw ErrorCode.OVERLOADED.exception("a connection may hold at most " + MAX_WATCHES_PER_CONNECTION + " watches");
        }
        ServerWatch sw = new ServerWatch(watchId, connection);
        if (mine.putIfAbsent(watchId, sw) != null) {
            throw ErrorCode.ALREADY_EXISTS.exception("watch " + watchId + " exists on this connection");
        }
        Watch w = null;
        try {
            dev.caravan.wire.security.Identity reader = connection.identity();
            w = service.watch(prefix, event -> {
                if (SliceVisibility.visible(reader, event.entry())) {
                    sw.onEvent(event);
                }
            });
            BodyWriter reply = new BodyWriter(256).i64(watchId);
            if (snapshot) {
                NamingProtocol.writeEntries(reply, SliceVisibility.visible(reader, service.list(prefix)));
            }
            sw.open(w, Frame.ok(watchId, reply.toBytes()));
        } catch (RuntimeException e) {
            mine.remove(watchId);
            sw.cancel();
            if (w != null) {
                w.close();
            }
            throw e;
        }
    }

    @Override
    public void onClose(FrameConnection connection) {
        Map<Long, ServerWatch> mine = watchesOf(connection);
        for (Long id : mine.keySet()) {
            ServerWatch w = mine.remove(id);
            if (w != null) {
                w.cancel();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<Long, ServerWatch> watchesOf(FrameConnection connection) {
        // Only this handler writes the attribute, always with this type.
        return (Map<Long, ServerWatch>) connection.attributes()
                .computeIfAbsent(WATCHES, k -> new ConcurrentHashMap<Long, ServerWatch>());
    }
}
