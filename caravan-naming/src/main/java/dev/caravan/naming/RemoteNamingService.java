package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.Hello;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The {@link NamingService} of a {@link NamingServer}, reached over one multiplexed
 * connection. Thread-safe: any number of threads may call at once.
 *
 * <p><b>Connection.</b> The constructor does not connect; the first call does. If the
 * connection breaks, the call that notices fails with {@code UNAVAILABLE} and the next call
 * makes one attempt to reconnect (failing with {@code UNAVAILABLE} if the server is still
 * unreachable). Nothing reconnects in the background: a holder of a lease renews it every
 * fraction of its TTL anyway, and that renewal is what brings the connection back. Leases
 * are not tied to the connection, so they survive a reconnect within their TTL.
 *
 * <p><b>Watches</b> survive reconnects. After a reconnect every open watch is subscribed
 * again and its listener is brought up to date: entries it was told about that have since
 * disappeared arrive as REMOVED, and every current entry under the prefix arrives as PUT.
 * A re-established watch may therefore deliver duplicate PUTs; nothing is missed, though
 * intermediate states during the outage are skipped.
 *
 * <p><b>Threading of listeners</b>: as {@link NamingService#watch} says; each watch has its
 * own delivery thread, so a listener may call this service.
 */
public final class RemoteNamingService implements NamingService {
    private static final byte[] EMPTY = new byte[0];

    private final InetSocketAddress address;
    private final Hello hello;
    private final Duration timeout;
    private final dev.caravan.wire.security.TransportSecurity security;
    private final Object connectLock = new Object();
    private final Set<RemoteWatch> watches = ConcurrentHashMap.newKeySet();
    private volatile RemoteSession session;
    private volatile boolean closed;

    /**
     * @param address the naming server
     * @param hello   our peer name and the cluster token
     * @param timeout bound on connecting and on each request
     */
    public RemoteNamingService(InetSocketAddress address, Hello hello, Duration timeout) {
        this(address, hello, timeout, dev.caravan.wire.security.TransportSecurity.plaintext());
    }

    /** As above, over {@code security} (plaintext or mutual TLS). */
    public RemoteNamingService(InetSocketAddress address, Hello hello, Duration timeout,
                               dev.caravan.wire.security.TransportSecurity security) {
        this.security = Objects.requireNonNull(security, "security");
        this.address = Objects.requireNonNull(address, "address");
        this.hello = Objects.requireNonNull(hello, "hello");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("timeout must be positive, got " + timeout);
        }
    }

    @Override
    public Lease openLease(String holder, long ttlMs) {
        BodyReader r = call(Op.NAMING_OPEN_LEASE, new BodyWriter(64).string(holder).i64(ttlMs).toBytes());
        Lease lease = new Lease(r.i64(), r.i64());
        r.expectEnd();
        return lease;
    }

    @Override
    public void renew(long leaseId) {
        call(Op.NAMING_RENEW_LEASE, new BodyWriter(8).i64(leaseId).toBytes()).expectEnd();
    }

    @Override
    public void closeLease(long leaseId) {
        call(Op.NAMING_CLOSE_LEASE, new BodyWriter(8).i64(leaseId).toBytes()).expectEnd();
    }

    @Override
    public void register(long leaseId, NamingEntry entry) {
        BodyWriter w = new BodyWriter(256).i64(leaseId);
        entry.writeTo(w);
        call(Op.NAMING_REGISTER, w.toBytes()).expectEnd();
    }

    @Override
    public void unregister(long leaseId, String name, long epoch) {
        call(Op.NAMING_UNREGISTER, new BodyWriter(64).i64(leaseId).string(name).i64(epoch).toBytes()).expectEnd();
    }

    @Override
    public Optional<NamingEntry> lookup(String name) {
        BodyReader r = call(Op.NAMING_LOOKUP, new BodyWriter(64).string(name).toBytes());
        Optional<NamingEntry> found = r.bool() ? Optional.of(NamingEntry.readFrom(r)) : Optional.empty();
        r.expectEnd();
        return found;
    }

    @Override
    public List<NamingEntry> list(String prefix) {
        BodyReader r = call(Op.NAMING_LIST, new BodyWriter(64).string(prefix).toBytes());
        List<NamingEntry> entries = NamingProtocol.readEntries(r);
        r.expectEnd();
        return List.copyOf(entries);
    }

    /**
     * {@inheritDoc}
     *
     * @throws dev.caravan.wire.CaravanException UNAVAILABLE when the server cannot be reached;
     *                                           the watch is then not registered
     */
    @Override
    public Watch watch(String prefix, Consumer<NamingEvent> listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        synchronized (connectLock) {
            RemoteSession s = session();
            RemoteWatch w = new RemoteWatch(prefix, listener, this::onWatchClosed);
            s.attach(w, false);
            watches.add(w);
            return w;
        }
    }

    /** Checks the connection (reconnecting if needed) with a PING. */
    public void ping() {
        call(Op.PING, EMPTY).expectEnd();
    }

    private void onWatchClosed(RemoteWatch w) {
        synchronized (connectLock) {
            watches.remove(w);
            RemoteSession s = session;
            if (s != null && !closed) {
                s.detach(w);
            }
        }
    }

    private BodyReader call(int op, byte[] body) {
        return session().request(op, body);
    }

    /** The live session, connecting once (and re-attaching every watch) if there is none. */
    private RemoteSession session() {
        RemoteSession s = session;
        if (s != null && s.isOpen()) {
            return s;
        }
        synchronized (connectLock) {
            if (closed) {
                throw ErrorCode.UNAVAILABLE.exception("naming client is closed");
            }
            s = session;
            if (s != null && s.isOpen()) {
                return s;
            }
            if (s != null) {
                s.close();
                session = null;
            }
            RemoteSession fresh = RemoteSession.connect(address, hello, timeout, security);
            try {
                for (RemoteWatch w : watches) {
                    fresh.attach(w, true);
                }
            } catch (RuntimeException e) {
                fresh.close();
                throw e;
            }
            session = fresh;
            return fresh;
        }
    }

    /** Closes the connection and every watch. Leases stay on the server until their TTL. */
    @Override
    public void close() {
        RemoteSession s;
        synchronized (connectLock) {
            if (closed) {
                return;
            }
            closed = true;
            s = session;
            session = null;
        }
        for (RemoteWatch w : List.copyOf(watches)) {
            w.close();
        }
        watches.clear();
        if (s != null) {
            s.close();
        }
    }
}
