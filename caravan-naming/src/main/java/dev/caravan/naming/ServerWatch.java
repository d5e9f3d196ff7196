package dev.caravan.naming;

import dev.caravan.wire.Frame;
import dev.caravan.wire.net.FrameConnection;

import java.util.ArrayList;
import java.util.List;

/**
 * A watch held by one connection of {@link NamingServer}. It gates the EVENT frames so that
 * the WATCH reply goes out before any of them ({@link #open}) and none follows the UNWATCH
 * reply ({@link #cancel}): frames are sent under this object's lock, after checking its state.
 */
final class ServerWatch {
    private final long watchId;
    private final FrameConnection connection;
    private List<Frame> held = new ArrayList<>();
    private boolean cancelled;
    private Watch watch;

    ServerWatch(long watchId, FrameConnection connection) {
        this.watchId = watchId;
        this.connection = connection;
    }

    /** The service's listener: called on the service's watch thread. */
    void onEvent(NamingEvent event) {
        Frame f = NamingProtocol.event(watchId, event);
        synchronized (this) {
            if (cancelled) {
                return;
            }
            if (held != null) {
                held.add(f);
                return;
            }
            if (!connection.send(f)) {
                cancelled = true;
            }
        }
    }

    /** Sends the WATCH reply, then any events held meanwhile, then lets events flow. */
    synchronized void open(Watch serviceWatch, Frame reply) {
        this.watch = serviceWatch;
        if (cancelled) {
            serviceWatch.close();
            return;
        }
        connection.send(reply);
        for (Frame f : held) {
            connection.send(f);
        }
        held = null;
    }

    /** Stops the flow; after this returns no EVENT of this watch is sent. */
    void cancel() {
        Watch w;
        synchronized (this) {
            cancelled = true;
            held = null;
            w = watch;
        }
        if (w != null) {
            w.close();
        }
    }
}
