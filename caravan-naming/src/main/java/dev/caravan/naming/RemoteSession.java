package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.net.Hello;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One connection of {@link RemoteNamingService} and the watches attached to it.
 *
 * <p>Events reach {@link #onEventFrame} on the client's reader thread. A watch's id is known
 * only once its WATCH reply has been read, and the reader may read the watch's first events
 * before the caller has recorded that id, so events for an unknown id wait in a small
 * bounded buffer until {@link #attach} claims them. Everything is guarded by {@code this}.
 */
final class RemoteSession implements AutoCloseable {
    static final int MAX_EARLY_EVENTS = 4096;
    private static final System.Logger LOG = System.getLogger(RemoteSession.class.getName());

    private final Map<Long, RemoteWatch> watchesById = new HashMap<>();
    private final Map<Long, List<NamingEvent>> early = new HashMap<>();
    private int earlyCount;
    private boolean dead;
    private volatile FrameClient client;

    private RemoteSession() {
    }

    /** Connects once. @throws CaravanException UNAVAILABLE or UNAUTHENTICATED */
    static RemoteSession connect(InetSocketAddress address, Hello hello, Duration timeout,
                                 dev.caravan.wire.security.TransportSecurity security) {
        RemoteSession s = new RemoteSession();
        s.client = FrameClient.connect(address, hello, timeout, s::onEventFrame, security);
        return s;
    }

    boolean isOpen() {
        synchronized (this) {
            if (dead) {
                return false;
            }
        }
        return client.isOpen();
    }

    /** Sends one request; a broken connection marks this session dead. */
    BodyReader request(int op, byte[] body) {
        try {
            return client.request(op, body);
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.UNAVAILABLE || !client.isOpen()) {
                close();
            }
            throw e;
        }
    }

    /**
     * Subscribes {@code w} on this connection with a snapshot, then applies the snapshot (as
     * the starting point, or as a resync after a reconnect) and any events that raced ahead.
     */
    void attach(RemoteWatch w, boolean resync) {
        BodyReader r;
        long watchId;
        List<NamingEntry> snapshot;
        try {
            r = request(Op.NAMING_WATCH, new BodyWriter(64).string(w.prefix()).bool(true).toBytes());
            watchId = r.i64();
            snapshot = NamingProtocol.readEntries(r);
            r.expectEnd();
        } catch (CaravanException e) {
            // The server may hold a watch we cannot name: start over on a fresh connection.
            if (e.code() == ErrorCode.TIMEOUT || e.code() == ErrorCode.MALFORMED) {
                close();
            }
            throw e;
        }
        synchronized (this) {
            if (dead) {
                throw ErrorCode.UNAVAILABLE.exception("naming connection closed while watching " + w.prefix());
            }
            watchesById.put(watchId, w);
            if (resync) {
                w.onResync(snapshot);
            } else {
                w.onFirstSnapshot(snapshot);
            }
            List<NamingEvent> raced = early.remove(watchId);
            if (raced != null) {
                earlyCount -= raced.size();
                raced.forEach(w::deliver);
            }
        }
    }

    /** Cancels {@code w} on the server if this connection still works; best effort. */
    void detach(RemoteWatch w) {
        Long id = null;
        synchronized (this) {
            for (Map.Entry<Long, RemoteWatch> e : watchesById.entrySet()) {
                if (e.getValue() == w) {
                    id = e.getKey();
                }
            }
            if (id == null || dead) {
                return;
            }
        }
        try {
            request(Op.NAMING_UNWATCH, new BodyWriter(8).i64(id).toBytes());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.DEBUG, "unwatch of '" + w.prefix() + "' failed: " + e);
        }
        synchronized (this) {
            // The server sends no event of this watch after the UNWATCH reply.
            watchesById.remove(id);
        }
    }

    private void onEventFrame(Frame f) {
        NamingEvent event;
        try {
            event = NamingProtocol.readEvent(f);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "dropping a malformed naming event: " + e);
            return;
        }
        synchronized (this) {
            if (dead) {
                return;
            }
            RemoteWatch w = watchesById.get(f.requestId());
            if (w != null) {
                w.deliver(event);
            } else if (earlyCount < MAX_EARLY_EVENTS) {
                early.computeIfAbsent(f.requestId(), k -> new ArrayList<>()).add(event);
                earlyCount++;
            } else {
                LOG.log(System.Logger.Level.WARNING, "dropping naming event for unknown watch " + f.requestId());
            }
        }
    }

    /** Marks the session dead (no more deliveries) and closes the connection. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            dead = true;
            watchesById.clear();
            early.clear();
            earlyCount = 0;
        }
        FrameClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
