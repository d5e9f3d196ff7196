package dev.caravan.switching.shared;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * One switch's copy of the front-end configuration its cluster shares through naming (the
 * switches of a cluster are those that use one naming service). Every switch holds the newest
 * version of every shared front end in memory and runs it; naming holds it as soft state
 * ({@code switchconfig/frontend/<name>}, {@link SharedFrontendCodec}) under the lease of whichever
 * switch registered it last.
 *
 * <p><b>Rules.</b>
 * <ul>
 *   <li>A change made on a switch (admin API, or its config file at start) is a new version at
 *       epoch {@code max(newest known + 1, now in ms)}; a removal is a tombstone version. A
 *       version replaces another only at a higher epoch: of two concurrent changes the later
 *       epoch wins everywhere; at one epoch naming lets exactly one in and the other change is
 *       refused (ALREADY_EXISTS) to its caller.</li>
 *   <li>A switch adopts every version newer than the one it holds: it starts, replaces (only
 *       when the spec differs) or stops its own front end of that name. A shared front end
 *       listens on the same port on every switch, on the switch's own bind address when it was
 *       published on the publisher's ({@link SharedFrontend#ownHost}).</li>
 *   <li>When an entry leaves naming (REMOVED: the lease of the switch that held it ended — the
 *       switch died or stopped), every switch that holds that version or a newer one registers it
 *       again under its own lease: the first wins, the others get ALREADY_EXISTS, which is fine.
 *       A periodic {@link #resync} does the same for anything missed (a watch that reconnected).</li>
 *   <li>Every version read from naming is checked as a config file's front end is; a bad one is
 *       logged once and skipped (the switch keeps what it runs).</li>
 *   <li>At start: what naming holds first, then the config file: a file front end is published
 *       (at the file's modification time) when naming has no version of it at that epoch or later;
 *       otherwise naming's newer version wins and the file's is logged as ignored.</li>
 * </ul>
 * The configuration lives as long as one switch of the cluster does: when every switch is gone,
 * so is the shared configuration, and each switch starts again from its config file.
 *
 * <p>Threading: thread-safe. Naming events are handed to {@code events} (one thread, the
 * switch's task thread), which also runs {@link #resync}; the applier is called there (and on
 * the thread of {@link #start}) with no lock held. {@link #publish} and {@link #publishRemoval}
 * run on the caller's thread (the admin API's).
 */
public final class FrontendConfigReplicator implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FrontendConfigReplicator.class.getName());

    private final NamingService naming;
    private final String switchId;
    private final String bindHost;
    /** How many parks {@link #awaitLeaseAfter} waits for a new lease, and how long each is. */
    private static final int LEASE_REOPEN_WAITS = 500;
    private static final long LEASE_REOPEN_PARK_MS = 20;
    private final LongSupplier leaseId;
    private final Clock clock;
    private final FrontendApplier applier;
    private final Executor events;
    /** Newest valid version of each shared front end (tombstones too). Guarded by {@code this}. */
    private final Map<String, SharedFrontend> known = new HashMap<>();
    /** The version each front end runs at here (or failed to start at). Only the event thread and {@link #start} write it. */
    private final Map<String, Long> applied = new java.util.concurrent.ConcurrentHashMap<>();
    /** Front ends whose newest version could not start here: retried by {@link #resync}. */
    private final Set<String> failedHere = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Bad versions already logged: name → epoch. */
    private final Map<String, Long> rejected = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Watch watch;
    private volatile boolean closed;

    /**
     * @param leaseId  the switch's current naming lease (it changes when the lease is opened again)
     * @param events   one thread that runs event handling and {@link #resync} in order
     */
    public FrontendConfigReplicator(NamingService naming, String switchId, String bindHost, LongSupplier leaseId, Clock clock,
                                    FrontendApplier applier, Executor events) {
        this.naming = naming;
        this.switchId = switchId;
        this.bindHost = bindHost;
        this.leaseId = leaseId;
        this.clock = clock;
        this.applier = applier;
        this.events = events;
    }

    /**
     * Watches naming, adopts what it holds, then publishes the config file's front ends that are
     * newer than naming's versions (starting them here first, so a port 0 is published as the
     * port bound) and runs every live shared front end here.
     *
     * @param fileSpecs   the switch's config file front ends
     * @param fileEpochMs the config file's modification time (the version of its front ends)
     * @throws CaravanException from naming, or when a config file front end cannot start here
     */
    public void start(List<FrontendSpec> fileSpecs, long fileEpochMs) {
        watch = naming.watch(SharedFrontendCodec.PREFIX, this::onEvent);
        naming.list(SharedFrontendCodec.PREFIX).forEach(this::learn);
        for (FrontendSpec s : fileSpecs) {
            Optional<SharedFrontend> current = current(s.name());
            if (current.isPresent() && current.get().epoch() >= fileEpochMs) {
                LOG.log(System.Logger.Level.INFO, "front end " + s.name() + ": naming holds a newer version (epoch "
                        + current.get().epoch() + ", by " + current.get().by() + ") than the config file (" + fileEpochMs + "); using naming's");
                continue;
            }
            int port = applier.adopt(s);
            applied.put(s.name(), fileEpochMs);
            try {
                publishAt(new SharedFrontend(s.name(), fileEpochMs, withPort(s, port), ownHost(s), switchId));
            } catch (CaravanException conflict) {
                LOG.log(System.Logger.Level.INFO, "front end " + s.name() + ": not published from the config file: "
                        + conflict.getMessage());
            }
        }
        for (SharedFrontend f : all()) {
            apply(f);
        }
    }

    /** The newest version of {@code name} this switch knows (a tombstone when removed). */
    public synchronized Optional<SharedFrontend> current(String name) {
        return Optional.ofNullable(known.get(name));
    }

    /** Every version this switch knows (tombstones too), by name. */
    public synchronized List<SharedFrontend> all() {
        List<SharedFrontend> out = new ArrayList<>(known.values());
        out.sort(Comparator.comparing(SharedFrontend::name));
        return out;
    }

    /**
     * Publishes a front end this switch has just started (through its admin API) as the newest
     * version of its name.
     *
     * @param spec      as started, with the port it was bound to
     * @param ownHost   whether it listens on this switch's bind address
     * @return the version's epoch
     * @throws CaravanException ALREADY_EXISTS when another switch changed it at the same time (its change wins),
     *                          INVALID_ARGUMENT when the spec is too large to share, and naming's errors
     */
    public long publish(FrontendSpec spec, boolean ownHost) {
        synchronized (this) {
            SharedFrontend f = new SharedFrontend(spec.name(), nextEpoch(spec.name()), spec, ownHost, switchId);
            publishAt(f);
            applied.put(f.name(), f.epoch());
            return f.epoch();
        }
    }

    /**
     * Publishes the removal of {@code name} (a tombstone), so that every switch stops it, this
     * one first (through the applier).
     *
     * @return false when no live version of it is shared (nothing published)
     * @throws CaravanException ALREADY_EXISTS when another switch changed it at the same time, and naming's errors
     */
    public boolean publishRemoval(String name) {
        synchronized (this) {
            SharedFrontend cur = known.get(name);
            if (cur == null || cur.removed()) {
                return false;
            }
            SharedFrontend f = SharedFrontend.removal(name, nextEpoch(name), switchId);
            publishAt(f);
            applied.put(name, f.epoch());
            failedHere.remove(name);
        }
        applier.withdraw(name);
        return true;
    }

    /** Whether {@code spec} listens on this switch's bind address (it then listens on each switch's own). */
    public boolean ownHost(FrontendSpec spec) {
        InetSocketAddress listen = spec.listen();
        if (listen.getHostString().equals(bindHost)) {
            return true;
        }
        try {
            return listen.getAddress() != null && listen.getAddress().equals(InetAddress.getByName(bindHost));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private long nextEpoch(String name) {
        SharedFrontend cur = known.get(name);
        return Math.max(cur == null ? 0 : cur.epoch() + 1, clock.nowMs());
    }

    /** Registers {@code f} under this switch's lease and makes it the known version; caller holds the lock or runs at start. */
    private void publishAt(SharedFrontend f) {
        long lease = leaseId.getAsLong();
        try {
            try {
                naming.register(lease, SharedFrontendCodec.encode(f, switchId));
            } catch (CaravanException expired) {
                if (expired.code() != ErrorCode.LEASE_EXPIRED) {
                    throw expired;
                }
                // The switch was starved or cut off for longer than its lease's term: its upkeep opens a new lease
                // within a third of a term. Publish under that one rather than refuse a change naming takes a moment later.
                naming.register(awaitLeaseAfter(lease), SharedFrontendCodec.encode(f, switchId));
            }
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.ALREADY_EXISTS || e.code() == ErrorCode.STALE_EPOCH) {
                throw ErrorCode.ALREADY_EXISTS.exception("front end " + f.name() + " was changed on another switch at the same"
                        + " time; the newer change wins everywhere — see 'caravan switch frontends' and try again");
            }
            throw e;
        }
        synchronized (this) {
            SharedFrontend cur = known.get(f.name());
            if (cur == null || cur.epoch() < f.epoch()) {
                known.put(f.name(), f);
            }
        }
    }

    /**
     * Waits, up to {@link #LEASE_REOPEN_WAITS} × {@link #LEASE_REOPEN_PARK_MS} ms (counted in parks, so a
     * test's manual clock cannot stall it), for the switch's lease upkeep to replace {@code expired}.
     *
     * @throws CaravanException UNAVAILABLE when no new lease came in that time
     */
    private long awaitLeaseAfter(long expired) {
        for (int i = 0; i < LEASE_REOPEN_WAITS; i++) {
            long current = leaseId.getAsLong();
            if (current != expired) {
                return current;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(LEASE_REOPEN_PARK_MS * 1_000_000L);
        }
        throw ErrorCode.UNAVAILABLE.exception("switch " + switchId + " lost its naming lease and has not opened a new one within "
                + LEASE_REOPEN_WAITS * LEASE_REOPEN_PARK_MS / 1000 + " s: is naming reachable? try again");
    }

    // ---- naming events, on the event thread ----

    private void onEvent(NamingEvent event) {
        // Naming's thread must not call back into naming: hand the event over.
        post(() -> {
            if (event.kind() == NamingEvent.Kind.PUT) {
                SharedFrontend newer = learn(event.entry());
                if (newer != null) {
                    apply(newer);
                }
            } else {
                onRemoved(event.entry());
            }
        });
    }

    /** The version {@code e} holds when it is valid and newer than the known one; else null. */
    private SharedFrontend learn(NamingEntry e) {
        SharedFrontend f;
        try {
            f = SharedFrontendCodec.decode(e);
        } catch (CaravanException bad) {
            Long logged = rejected.put(e.name(), e.epoch());
            if (logged == null || logged != e.epoch()) {
                LOG.log(System.Logger.Level.WARNING, "skipping a shared front end from naming (epoch " + e.epoch() + "): "
                        + bad.getMessage());
            }
            return null;
        }
        synchronized (this) {
            SharedFrontend cur = known.get(f.name());
            if (cur != null && cur.epoch() >= f.epoch()) {
                return null;
            }
            known.put(f.name(), f);
            return f;
        }
    }

    /** Makes this switch run {@code f} (or stop it, for a tombstone), unless it already does. */
    private void apply(SharedFrontend f) {
        Long at = applied.get(f.name());
        if (closed || (at != null && at == f.epoch() && !failedHere.contains(f.name()))) {
            return;
        }
        applied.put(f.name(), f.epoch());
        if (f.removed()) {
            failedHere.remove(f.name());
            applier.withdraw(f.name());
            return;
        }
        try {
            applier.adopt(localize(f));
            if (failedHere.remove(f.name())) {
                LOG.log(System.Logger.Level.INFO, "front end " + f.name() + " now runs here");
            }
        } catch (CaravanException e) {
            if (failedHere.add(f.name())) {
                LOG.log(System.Logger.Level.WARNING, "front end " + f.name() + " (shared by " + f.by() + ") cannot run on switch "
                        + switchId + ", retrying: " + e.getMessage());
            }
        }
    }

    /** The spec as this switch runs it: on its own bind address when published on the publisher's. */
    FrontendSpec localize(SharedFrontend f) {
        FrontendSpec s = f.spec();
        if (!f.ownHost()) {
            return s;
        }
        return new FrontendSpec(s.name(), new InetSocketAddress(bindHost, s.listen().getPort()), s.protocol(), s.mode(), s.routes(),
                s.limits());
    }

    private static FrontendSpec withPort(FrontendSpec s, int port) {
        if (s.listen().getPort() == port) {
            return s;
        }
        return new FrontendSpec(s.name(), new InetSocketAddress(s.listen().getAddress(), port), s.protocol(), s.mode(), s.routes(),
                s.limits());
    }

    private void onRemoved(NamingEntry gone) {
        SharedFrontend cur = current(SharedFrontendCodec.decodeName(gone.name())).orElse(null);
        if (cur != null && cur.epoch() >= gone.epoch()) {
            hold(cur);
        }
    }

    /** Registers {@code f} again under this switch's lease; losing to another switch is fine. */
    private void hold(SharedFrontend f) {
        if (closed) {
            return;
        }
        try {
            naming.register(leaseId.getAsLong(), SharedFrontendCodec.encode(f, switchId));
            LOG.log(System.Logger.Level.INFO, "front end " + f.name() + " (epoch " + f.epoch() + ") is now held in naming by switch "
                    + switchId);
        } catch (CaravanException e) {
            if (e.code() != ErrorCode.ALREADY_EXISTS && e.code() != ErrorCode.STALE_EPOCH) {
                LOG.log(System.Logger.Level.INFO, "cannot hold front end " + f.name() + " in naming yet: " + e.getMessage());
            }
        }
    }

    /**
     * Lists naming and repairs: adopts versions it missed, registers again the versions it knows
     * that naming lost, and retries front ends that could not start here. Call periodically on the
     * event thread (also after the switch's lease was opened again).
     */
    public void resync() {
        if (closed) {
            return;
        }
        try {
            Set<String> listed = new HashSet<>();
            for (NamingEntry e : naming.list(SharedFrontendCodec.PREFIX)) {
                listed.add(SharedFrontendCodec.decodeName(e.name()));
                SharedFrontend newer = learn(e);
                if (newer != null) {
                    apply(newer);
                }
            }
            for (SharedFrontend f : all()) {
                if (!listed.contains(f.name())) {
                    hold(f);
                }
                if (failedHere.contains(f.name())) {
                    apply(f);
                }
            }
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.INFO, "shared front ends: naming re-listing failed, retrying: " + e.getMessage());
        }
    }

    /** Runs {@link #resync} on the event thread. */
    public void requestResync() {
        post(this::resync);
    }

    private void post(Runnable task) {
        if (closed) {
            return;
        }
        try {
            events.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "shared front ends: handling a change failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The switch is stopping.
        }
    }

    /** Stops following naming; what naming holds stays (other switches hold it when this lease ends). */
    @Override
    public void close() {
        closed = true;
        Watch w = watch;
        if (w != null) {
            w.close();
        }
    }
}
