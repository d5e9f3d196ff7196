package dev.caravan.naming;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A watch of {@link RemoteNamingService}. It survives reconnects: each new session attaches it
 * again with a snapshot, and {@link #onResync} turns the difference between what the listener
 * last saw and the snapshot into events. All methods but {@link #close} are called under the
 * lock of the session it is attached to; sessions hand over one after another.
 */
final class RemoteWatch implements Watch {
    private final String prefix;
    private final EventQueue events;
    private final Consumer<RemoteWatch> onClose;
    /** What the listener has been told exists, by name. */
    private final Map<String, NamingEntry> known = new HashMap<>();
    private volatile boolean closed;

    RemoteWatch(String prefix, Consumer<NamingEvent> listener, Consumer<RemoteWatch> onClose) {
        this.prefix = prefix;
        this.events = new EventQueue(prefix, listener);
        this.onClose = onClose;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    boolean isClosed() {
        return closed;
    }

    /** First attach: the snapshot is what exists before the watch; the listener hears only changes. */
    void onFirstSnapshot(List<NamingEntry> snapshot) {
        known.clear();
        for (NamingEntry e : snapshot) {
            known.put(e.name(), e);
        }
    }

    /**
     * Re-attach after a reconnect: entries the listener knew that are gone become REMOVED, and
     * every current entry is delivered as PUT (possibly a duplicate).
     */
    void onResync(List<NamingEntry> snapshot) {
        Set<String> present = new HashSet<>();
        for (NamingEntry e : snapshot) {
            present.add(e.name());
        }
        for (NamingEntry gone : List.copyOf(known.values())) {
            if (!present.contains(gone.name())) {
                deliver(NamingEvent.removed(gone));
            }
        }
        for (NamingEntry e : snapshot) {
            deliver(NamingEvent.put(e));
        }
    }

    void deliver(NamingEvent event) {
        if (closed) {
            return;
        }
        if (event.kind() == NamingEvent.Kind.PUT) {
            known.put(event.entry().name(), event.entry());
        } else {
            known.remove(event.entry().name());
        }
        if (!events.offer(event)) {
            // Called under the session lock; closing takes the client's connect lock, which
            // ranks above it, so close from another thread.
            Thread.ofVirtual().name("naming-watch-cancel").start(this::close);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        events.close();
        onClose.accept(this);
    }
}
