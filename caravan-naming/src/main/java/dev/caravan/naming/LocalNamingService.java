package dev.caravan.naming;

import dev.caravan.wire.ErrorCode;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The embedded {@link NamingService}: the table lives in this JVM's memory.
 *
 * <p><b>Threading.</b> Every method is thread-safe; one lock guards the table, and events are
 * queued to watches while it is held, so each watch sees changes in the order they happened.
 * Listeners run on virtual threads owned by their watch (see {@link QueuedWatch}).
 *
 * <p><b>Time.</b> All lease arithmetic reads the injected {@link InstantSource}. Nothing
 * expires on its own: {@link #expireLeases()} does, called by tests after advancing their clock
 * or, in production, by the reaper that {@link #startReaper} starts.
 *
 * <p>Lease ids start at a random point so that a restarted service never accepts a lease id
 * issued by its predecessor.
 */
public final class LocalNamingService implements NamingService {
    public static final long MIN_TTL_MS = 10;
    public static final long MAX_TTL_MS = 3_600_000;
    public static final long DEFAULT_REAPER_PERIOD_MS = 100;
    private static final System.Logger LOG = System.getLogger(LocalNamingService.class.getName());

    private final InstantSource clock;
    private final Object lock = new Object();
    private final Map<Long, LeaseState> leases = new HashMap<>();
    private final TreeMap<String, NamingEntry> entries = new TreeMap<>();
    private final List<QueuedWatch> watches = new CopyOnWriteArrayList<>();
    private long nextLeaseId;
    private ScheduledExecutorService reaper;
    private boolean closed;

    public LocalNamingService(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        // 62 random bits: positive, never 0, and far from wrapping.
        this.nextLeaseId = (new SecureRandom().nextLong() >>> 2) | 1L;
    }

    /** A service on the system clock. */
    public LocalNamingService() {
        this(InstantSource.system());
    }

    /** Starts the daemon that calls {@link #expireLeases()} every {@value #DEFAULT_REAPER_PERIOD_MS} ms. */
    public void startReaper() {
        startReaper(DEFAULT_REAPER_PERIOD_MS);
    }

    /**
     * Starts the daemon thread that calls {@link #expireLeases()} every {@code periodMs}
     * (a quarter of the shortest TTL in use is a good choice). Idempotent. If the reaper ever
     * fails the service closes itself: a table whose leases never expire is worse than none.
     */
    public void startReaper(long periodMs) {
        if (periodMs < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("reaper period must be positive, got " + periodMs);
        }
        synchronized (lock) {
            ensureOpen();
            if (reaper != null) {
                return;
            }
            reaper = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().name("naming-reaper").daemon(true).factory());
            reaper.scheduleAtFixedRate(this::onReaperTick, periodMs, periodMs, TimeUnit.MILLISECONDS);
        }
    }

    private void onReaperTick() {
        try {
            expireLeases();
        } catch (RuntimeException | Error e) {
            if (isClosed()) {
                return;
            }
            LOG.log(System.Logger.Level.ERROR, "naming reaper failed; closing the naming service", e);
            close();
        }
    }

    /** Removes every lease whose TTL has passed, with its entries. @return how many expired */
    public int expireLeases() {
        synchronized (lock) {
            if (closed) {
                return 0;
            }
            long nowMs = clock.millis();
            List<LeaseState> expired = new ArrayList<>();
            for (LeaseState l : leases.values()) {
                if (l.expiredAt(nowMs)) {
                    expired.add(l);
                }
            }
            for (LeaseState l : expired) {
                LOG.log(System.Logger.Level.INFO, "lease " + l.id + " of " + l.holder + " expired after "
                        + l.ttlMs + " ms of silence; removing " + l.names.size() + " entries");
                dropLease(l);
            }
            return expired.size();
        }
    }

    @Override
    public Lease openLease(String holder, long ttlMs) {
        Objects.requireNonNull(holder, "holder");
        NamingEntry.checkBytes("holder", holder, NamingEntry.MAX_FIELD_BYTES);
        if (ttlMs < MIN_TTL_MS || ttlMs > MAX_TTL_MS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("ttlMs " + ttlMs + " outside " + MIN_TTL_MS + ".." + MAX_TTL_MS);
        }
        synchronized (lock) {
            ensureOpen();
            long id = nextLeaseId++;
            leases.put(id, new LeaseState(id, holder, ttlMs, clock.millis()));
            return new Lease(id, ttlMs);
        }
    }

    @Override
    public void renew(long leaseId) {
        synchronized (lock) {
            LeaseState l = liveLease(leaseId);
            l.renewedAtMs = clock.millis();
            l.expiresAtMs = l.renewedAtMs + l.ttlMs;
        }
    }

    /** Every live lease (expired ones the reaper has not removed yet included), by id; a snapshot. */
    public List<LeaseInfo> leases() {
        synchronized (lock) {
            return leases.values().stream().sorted(java.util.Comparator.comparingLong(l -> l.id))
                    .map(l -> new LeaseInfo(l.id, l.holder, l.ttlMs, l.renewedAtMs, l.expiresAtMs, List.copyOf(l.names))).toList();
        }
    }

    /** The service's clock, on which {@link LeaseInfo} times are read. */
    public InstantSource clock() {
        return clock;
    }

    @Override
    public void closeLease(long leaseId) {
        synchronized (lock) {
            ensureOpen();
            LeaseState l = leases.get(leaseId);
            if (l != null) {
                dropLease(l);
            }
        }
    }

    @Override
    public void register(long leaseId, NamingEntry entry) {
        Objects.requireNonNull(entry, "entry");
        synchronized (lock) {
            LeaseState l = liveLease(leaseId);
            NamingEntry old = entries.get(entry.name());
            LeaseState holder = old == null || old.leaseId() == leaseId ? null : leases.get(old.leaseId());
            if (holder != null && holder.expiredAt(clock.millis())) {
                // Past its TTL though the reaper has not run: it holds nothing any more.
                dropLease(holder);
                holder = null;
                old = entries.get(entry.name());
            }
            if (old != null && old.epoch() > entry.epoch()) {
                throw ErrorCode.STALE_EPOCH.exception(entry.name() + " is at epoch " + old.epoch()
                        + ", refusing epoch " + entry.epoch());
            }
            if (holder != null && old.epoch() == entry.epoch()) {
                // A new owner needs a strictly higher epoch: of two that race at the same epoch, exactly one wins.
                throw ErrorCode.ALREADY_EXISTS.exception(entry.name() + " is held by " + holder.holder + " ("
                        + old.host() + ":" + old.port() + ") under another live lease at the same epoch " + old.epoch());
            }
            if (holder != null) {
                holder.names.remove(entry.name());
            }
            NamingEntry stored = entry.withLeaseId(leaseId);
            entries.put(stored.name(), stored);
            l.names.add(stored.name());
            publish(NamingEvent.put(stored));
        }
    }

    @Override
    public void unregister(long leaseId, String name, long epoch) {
        Objects.requireNonNull(name, "name");
        synchronized (lock) {
            liveLease(leaseId);
            NamingEntry old = entries.get(name);
            if (old == null) {
                throw ErrorCode.NOT_FOUND.exception("no naming entry " + name);
            }
            if (old.epoch() > epoch) {
                throw ErrorCode.STALE_EPOCH.exception(name + " is at epoch " + old.epoch()
                        + ", refusing to remove it at epoch " + epoch);
            }
            removeEntry(old);
        }
    }

    @Override
    public Optional<NamingEntry> lookup(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (lock) {
            ensureOpen();
            return Optional.ofNullable(entries.get(name));
        }
    }

    @Override
    public List<NamingEntry> list(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        synchronized (lock) {
            ensureOpen();
            List<NamingEntry> out = new ArrayList<>();
            for (NamingEntry e : entries.tailMap(prefix, true).values()) {
                if (!e.name().startsWith(prefix)) {
                    break;
                }
                out.add(e);
            }
            return out;
        }
    }

    @Override
    public Watch watch(String prefix, Consumer<NamingEvent> listener) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(listener, "listener");
        synchronized (lock) {
            ensureOpen();
            QueuedWatch w = new QueuedWatch(prefix, listener, watches::remove);
            watches.add(w);
            return w;
        }
    }

    /** Number of live leases (for tests and status pages). */
    public int leaseCount() {
        synchronized (lock) {
            return leases.size();
        }
    }

    /** Number of registered entries (for metrics and status pages). */
    public int entryCount() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /** Number of open watches (for tests and status pages). */
    public int watchCount() {
        return watches.size();
    }

    @Override
    public void close() {
        ScheduledExecutorService r;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            r = reaper;
            reaper = null;
            leases.clear();
            entries.clear();
        }
        for (QueuedWatch w : watches) {
            w.close();
        }
        if (r != null) {
            r.shutdownNow();
        }
    }

    private boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw ErrorCode.UNAVAILABLE.exception("naming service is closed");
        }
    }

    /** The lease if it is live; a lease past its TTL is dropped here rather than by the reaper. */
    private LeaseState liveLease(long leaseId) {
        ensureOpen();
        LeaseState l = leases.get(leaseId);
        if (l != null && l.expiredAt(clock.millis())) {
            dropLease(l);
            l = null;
        }
        if (l == null) {
            throw ErrorCode.LEASE_EXPIRED.exception("lease " + leaseId + " has expired or never existed");
        }
        return l;
    }

    private void dropLease(LeaseState l) {
        leases.remove(l.id);
        for (String name : List.copyOf(l.names)) {
            NamingEntry e = entries.get(name);
            if (e != null && e.leaseId() == l.id) {
                removeEntry(e);
            }
        }
        l.names.clear();
    }

    private void removeEntry(NamingEntry e) {
        entries.remove(e.name());
        LeaseState holder = leases.get(e.leaseId());
        if (holder != null) {
            holder.names.remove(e.name());
        }
        publish(NamingEvent.removed(e));
    }

    private void publish(NamingEvent event) {
        for (QueuedWatch w : watches) {
            if (w.matches(event.entry().name())) {
                w.offer(event);
            }
        }
    }
}
