package dev.caravan.switching;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Keeps one route's pool fed with its backend set: every {@code process/<name>} entry in naming
 * that the route's {@link BackendSelector} matches, as a {@link Backend}. A watch on
 * {@code process/} reports changes; a process whose labels change so that it no longer matches
 * leaves the set, one that starts to match joins it, one that moved (new address, same name)
 * keeps its identity.
 *
 * <p>Start-up without a gap: the watch is opened first, then the table listed; a listed entry is
 * taken only if no event about it arrived meanwhile (the event is newer).
 *
 * <p>Threading: the sink is called on naming's watch thread (or the starting thread), one call at
 * a time, each with the whole set sorted by id; it must not block. {@link #close} is idempotent.
 */
public final class BackendSetWatch implements AutoCloseable {
    static final String PROCESS_PREFIX = "process/";

    private final BackendSelector selector;
    private final BackendSink sink;
    private final TreeMap<String, Backend> current = new TreeMap<>();
    private final Set<String> seenByEvent = new HashSet<>();
    private final Watch watch;
    private boolean listed;
    private boolean closed;

    private BackendSetWatch(NamingService naming, BackendSelector selector, BackendSink sink) {
        this.selector = selector;
        this.sink = sink;
        this.watch = naming.watch(PROCESS_PREFIX, this::onEvent);
    }

    /**
     * Opens the watch, lists the current set and hands it to {@code sink} before returning.
     *
     * @throws dev.caravan.wire.CaravanException when naming cannot be reached
     */
    public static BackendSetWatch start(NamingService naming, BackendSelector selector, BackendSink sink) {
        BackendSetWatch w = new BackendSetWatch(naming, selector, sink);
        try {
            w.onListed(naming.list(PROCESS_PREFIX));
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /** The process names in the set now, sorted. */
    public synchronized List<String> ids() {
        return List.copyOf(current.keySet());
    }

    private synchronized void onListed(List<NamingEntry> entries) {
        for (NamingEntry e : entries) {
            if (!seenByEvent.contains(e.name())) {
                apply(e, true);
            }
        }
        listed = true;
        seenByEvent.clear();
        publish();
    }

    private synchronized void onEvent(NamingEvent event) {
        if (closed) {
            return;
        }
        if (!listed) {
            seenByEvent.add(event.entry().name());
        }
        boolean changed = apply(event.entry(), event.kind() == NamingEvent.Kind.PUT);
        if (listed && changed) {
            publish();
        }
    }

    /** Applies one entry's presence; returns whether the set changed. */
    private boolean apply(NamingEntry entry, boolean present) {
        String id = entry.name().substring(PROCESS_PREFIX.length());
        if (present && selector.matches(entry) && entry.port() > 0) {
            Backend b = toBackend(id, entry);
            return !b.equals(current.put(id, b));
        }
        return current.remove(id) != null;
    }

    static Backend toBackend(String id, NamingEntry e) {
        return new Backend(id, new InetSocketAddress(e.host(), e.port()), e.node(), e.attributes());
    }

    private void publish() {
        sink.update(new ArrayList<>(current.values()));
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        // Outside the lock: a listener call already running may be waiting for it.
        watch.close();
    }
}
