package dev.caravan.switching.dns;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import org.xbill.DNS.Name;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps a {@link ZoneSnapshot} of naming's {@code process/} and {@code switch/} entries current: a naming watch
 * applies every change to a table and asks for a rebuild; one thread ({@code dns-zone}) rebuilds
 * the snapshot (coalescing bursts of changes) and publishes it through a volatile field, which
 * the responder reads per query — no naming round trip per query.
 *
 * <p>The watch is registered before the first listing, so no change is missed; PUT replaces an
 * entry of lower or equal epoch and REMOVED removes one of lower or equal epoch, so a duplicate
 * or late event never resurrects an older location. A full re-listing every
 * {@code resyncMs} repairs anything a reconnecting naming client may have lost. Host names that
 * are not IP literals are resolved on the rebuild thread, never on the query path.
 *
 * <p>Threading: {@link #current()} is safe from any thread.
 */
public final class ZoneWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ZoneWatcher.class.getName());
    private static final String PREFIX = "process/";
    /** The switches' entries: the front tier's addresses. */
    private static final String SWITCHES = "switch/";

    private final NamingService naming;
    private final Name zone;
    private final Map<String, NamingEntry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final AtomicLong serial = new AtomicLong(System.currentTimeMillis() / 1000);
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("dns-zone").daemon(true).factory());
    private volatile ZoneSnapshot current;
    private volatile Watch watch;
    private volatile Watch switchWatch;

    private ZoneWatcher(NamingService naming, Name zone) {
        this.naming = naming;
        this.zone = zone;
        this.current = ZoneSnapshot.empty(zone);
    }

    /**
     * Watches naming and builds the first snapshot before returning.
     *
     * @throws dev.caravan.wire.CaravanException when naming cannot be reached (UNAVAILABLE, TIMEOUT)
     */
    public static ZoneWatcher start(NamingService naming, Name zone, long resyncMs) {
        ZoneWatcher w = new ZoneWatcher(naming, zone);
        try {
            w.watch = naming.watch(PREFIX, w::onEvent);
            w.switchWatch = naming.watch(SWITCHES, w::onEvent);
            naming.list(PREFIX).forEach(w::put);
            naming.list(SWITCHES).forEach(w::put);
            w.current = w.build();
            w.thread.scheduleWithFixedDelay(w::resync, resyncMs, resyncMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
        return w;
    }

    /** The zone as of the last rebuild. */
    public ZoneSnapshot current() {
        return current;
    }

    private void onEvent(NamingEvent event) {
        if (event.kind() == NamingEvent.Kind.PUT) {
            put(event.entry());
        } else {
            entries.computeIfPresent(event.entry().name(), (k, old) -> old.epoch() <= event.entry().epoch() ? null : old);
        }
        requestRebuild();
    }

    private void put(NamingEntry e) {
        entries.merge(e.name(), e, (old, now) -> now.epoch() >= old.epoch() ? now : old);
    }

    private void requestRebuild() {
        if (rebuildPending.compareAndSet(false, true)) {
            try {
                thread.execute(() -> {
                    rebuildPending.set(false);
                    current = build();
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // Closing: the last snapshot stays.
            }
        }
    }

    private void resync() {
        try {
            Map<String, NamingEntry> listed = new java.util.HashMap<>();
            naming.list(PREFIX).forEach(e -> listed.put(e.name(), e));
            naming.list(SWITCHES).forEach(e -> listed.put(e.name(), e));
            entries.keySet().retainAll(listed.keySet());
            listed.values().forEach(this::put);
            current = build();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "dns: naming re-listing failed, answering from the last snapshot: " + e.getMessage());
        }
    }

    private ZoneSnapshot build() {
        return ZoneSnapshot.build(zone, serial.incrementAndGet(), entries.values(), ZoneWatcher::resolve);
    }

    static InetAddress resolve(String host) {
        try {
            return InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            LOG.log(System.Logger.Level.WARNING, "dns: host " + host + " does not resolve; its process is left out");
            return null;
        }
    }

    /** Stops watching; the last snapshot stays readable. Idempotent. */
    @Override
    public void close() {
        for (Watch w : new Watch[] {watch, switchWatch}) {
            if (w != null) {
                w.close();
            }
        }
        thread.shutdownNow();
    }
}
