package dev.caravan.switching.pool;

import dev.caravan.core.time.Clock;
import dev.caravan.switching.AdminState;
import dev.caravan.switching.Backend;
import dev.caravan.switching.BackendControl;
import dev.caravan.switching.BackendSink;
import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Dispatcher;
import dev.caravan.switching.FrontendSpec;
import dev.caravan.switching.FrontendSpec.BackendLimits;
import dev.caravan.switching.Route;
import dev.caravan.switching.policy.DispatchKey;
import dev.caravan.switching.policy.Policies;
import dev.caravan.switching.policy.Policy;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The dispatcher of one route of a front end: its backend set as naming shows it, their health,
 * weights and load, the route's {@link Policy}, and a FIFO queue for dispatches that find every
 * backend at its connection limit (HAProxy's backend with {@code maxconn}, {@code timeout queue},
 * {@code check inter fall rise}, {@code slowstart}).
 *
 * <pre>
 *  dispatch ──▶ eligible = healthy ∧ READY ∧ active &lt; maxConnectionsPerBackend
 *                 ├─ some      → policy picks one → ticket now
 *                 ├─ none, but some healthy ∧ READY (all at their limit)
 *                 │            → queued FIFO (≤ maxQueued, else BUSY), served when a ticket
 *                 │              closes or a backend returns; after queueTimeoutMs → BUSY
 *                 └─ none healthy ∧ READY (or no backend) → UNAVAILABLE at once
 * </pre>
 *
 * <p>Health: passive — {@code fall} failures in a row reported on tickets, or {@code fall}
 * replies in a row slower than {@value #LATENCY_OUTLIER_FACTOR}× the other backends' median
 * average latency (and above {@value #LATENCY_OUTLIER_FLOOR_MS} ms), take a backend out; active —
 * the {@link HealthProber} takes it out after {@code fall} failed checks and brings it back after
 * {@code rise} good ones. Without active checks ({@code probeIntervalMs = 0}) a backend taken out
 * passively is given back after {@value #PASSIVE_RETRY_MS} ms (nginx's {@code fail_timeout}).
 * A backend that comes back, or joins after the first naming update, or is enabled again, ramps
 * its weight from 1 to full over {@code slowStartMs}.
 *
 * <p>Weights: the naming attribute {@code weight} (1..256), else 1; {@link #setWeight} overrides it.
 *
 * <p>Threading: thread-safe. One lock guards all state; policies run under it (they are O(n) and
 * never block). Futures are completed outside the lock, so callbacks may dispatch or close
 * tickets. Time comes from the injected {@link Clock}; queue timeouts and the passive retry are
 * applied by {@link #tick()}, which the scheduler given to the constructor calls when they fall
 * due (tests pass none and call it after advancing a manual clock).
 */
public final class BackendPool implements Dispatcher, BackendSink, BackendControl, AutoCloseable {
    /** A reply this many times slower than the other backends' median average is an outlier. */
    static final int LATENCY_OUTLIER_FACTOR = 10;
    /**
     * ... if it also takes longer than this. High on purpose: backends that share a loaded machine
     * (or a node's event loop) see tens of milliseconds of queueing jitter, and taking one out for it
     * moves its load onto the others and makes them slower too; only a reply slower than a second is
     * worth acting on (errors count from the first one).
     */
    static final long LATENCY_OUTLIER_FLOOR_MS = 1_000;
    /** How long a passively failed backend stays out when there are no active checks. */
    static final long PASSIVE_RETRY_MS = 10_000;

    private static final System.Logger LOG = System.getLogger(BackendPool.class.getName());

    private final FrontendSpec spec;
    private final Route route;
    private final BackendLimits limits;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final Policy policy;
    private final HealthProber prober;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeMap<String, BackendState> states = new TreeMap<>();
    private final WaitQueue waiters = new WaitQueue();
    private boolean initialized;
    private boolean closed;

    /**
     * A pool whose timeouts are driven by {@code scheduler} (or, when null, only by calls to
     * {@link #tick()}); active checks are not started (see {@link #healthProber()}).
     */
    public BackendPool(FrontendSpec spec, Route route, Clock clock, ScheduledExecutorService scheduler) {
        this(spec, route, clock, scheduler, false);
    }

    private BackendPool(FrontendSpec spec, Route route, Clock clock, ScheduledExecutorService scheduler,
                        boolean ownsScheduler) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.route = Objects.requireNonNull(route, "route");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limits = spec.limits();
        this.scheduler = scheduler;
        this.ownsScheduler = ownsScheduler;
        this.policy = Policies.create(route.policy());
        this.prober = new HealthProber(spec.name() + "/" + route.backends(), spec.protocol(), limits.probeIntervalMs(),
                this::probeTargets, this::onProbe);
    }

    /**
     * A running pool for the switch: its own scheduler thread for timeouts and, when
     * {@code probeIntervalMs > 0}, its own health-check thread; both stop on {@link #close()}.
     */
    public static BackendPool create(FrontendSpec spec, Route route, Clock clock) {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("caravan-pool-" + spec.name()).factory());
        BackendPool pool = new BackendPool(spec, route, clock, scheduler, true);
        pool.prober.start();
        return pool;
    }

    /** The active health checks (started by {@link #create}; tests call {@link HealthProber#probeOnce()}). */
    public HealthProber healthProber() {
        return prober;
    }

    @Override
    public CompletableFuture<Ticket> dispatch(DispatchKey key) {
        Objects.requireNonNull(key, "key");
        List<Runnable> completions = new ArrayList<>();
        CompletableFuture<Ticket> result;
        lock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(ErrorCode.UNAVAILABLE.exception("front end " + spec.name() + " is closed"));
            }
            List<BackendState> eligible = eligible();
            if (!eligible.isEmpty() && waiters.isEmpty()) {
                return CompletableFuture.completedFuture(acquire((BackendState) policy.choose(eligible, key)));
            }
            if (states.values().stream().noneMatch(BackendState::usable)) {
                return CompletableFuture.failedFuture(unavailable());
            }
            if (waiters.size() >= limits.maxQueued()) {
                return CompletableFuture.failedFuture(ErrorCode.BUSY.exception("every backend of " + route.backends()
                        + " is at its connection limit and " + limits.maxQueued() + " requests wait; retry later or raise maxConnectionsPerBackend"));
            }
            result = new CompletableFuture<>();
            waiters.add(new WaitQueue.Waiter(result, key, clock.nanoTime() + limits.queueTimeoutMs() * 1_000_000L));
            schedule(limits.queueTimeoutMs());
            serveQueue(completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
        return result;
    }

    /** Applies what has fallen due by the clock: queue timeouts (BUSY) and passive retries. */
    public void tick() {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            long now = clock.nanoTime();
            waiters.expire(now, () -> ErrorCode.BUSY.exception("waited " + limits.queueTimeoutMs() + " ms for a free backend of "
                    + route.backends() + "; retry later or raise its connection limit"), completions);
            if (limits.probeIntervalMs() == 0) {
                for (BackendState s : states.values()) {
                    if (!s.healthy && now - s.downSinceNs >= PASSIVE_RETRY_MS * 1_000_000L) {
                        markUp(s, "retried after " + PASSIVE_RETRY_MS + " ms without active checks");
                    }
                }
            }
            reconcile(completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    @Override
    public void update(List<Backend> current) {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            Map<String, Backend> byId = new HashMap<>();
            for (Backend b : current) {
                byId.put(b.id(), b);
            }
            states.values().removeIf(s -> {
                s.removed = !byId.containsKey(s.id());
                return s.removed;
            });
            for (Backend b : byId.values()) {
                BackendState s = states.get(b.id());
                if (s != null) {
                    s.backend = b;
                    s.namingWeight = BackendState.weightAttribute(b);
                } else {
                    s = new BackendState(b, clock, limits.slowStartMs() * 1_000_000L);
                    if (initialized) {
                        s.startSlowStart();
                    }
                    states.put(b.id(), s);
                }
            }
            initialized = true;
            reconcile(completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    @Override
    public void setWeight(String backendId, int weight) {
        if (weight < 1 || weight > BackendState.MAX_WEIGHT) {
            throw ErrorCode.INVALID_ARGUMENT.exception("weight " + weight + " is outside 1.." + BackendState.MAX_WEIGHT);
        }
        lock.lock();
        try {
            state(backendId).overrideWeight = weight;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void setAdminState(String backendId, AdminState admin) {
        Objects.requireNonNull(admin, "admin");
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            BackendState s = state(backendId);
            if (s.admin == AdminState.DISABLED && admin == AdminState.READY && s.healthy) {
                s.startSlowStart();
            }
            s.admin = admin;
            reconcile(completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    @Override
    public List<BackendStatus> status() {
        lock.lock();
        try {
            return states.values().stream().map(BackendState::status).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Fails every queued dispatch with UNAVAILABLE, stops the health checks and the owned scheduler. Idempotent. */
    @Override
    public void close() {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            closed = true;
            waiters.failAll(() -> ErrorCode.UNAVAILABLE.exception("front end " + spec.name() + " is closed"), completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
        prober.close();
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    void onTicketClosed(BackendState s) {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            s.active--;
            s.served++;
            serveQueue(completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    void onFailure(BackendState s, String why) {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            s.failed++;
            s.failuresInRow++;
            if (s.healthy && s.failuresInRow >= limits.fall()) {
                markDown(s, s.failuresInRow + " failures in a row, last: " + why);
                reconcile(completions);
            }
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    void onSuccess(BackendState s, long latencyNs) {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            s.failuresInRow = 0;
            long medianNs = medianLatencyOfOthers(s);
            s.recordLatency(latencyNs);
            boolean outlier = medianNs > 0 && latencyNs > LATENCY_OUTLIER_FACTOR * medianNs
                    && latencyNs > LATENCY_OUTLIER_FLOOR_MS * 1_000_000L;
            s.slowRepliesInRow = outlier ? s.slowRepliesInRow + 1 : 0;
            if (s.healthy && s.slowRepliesInRow >= limits.fall()) {
                markDown(s, s.slowRepliesInRow + " replies in a row slower than " + LATENCY_OUTLIER_FACTOR
                        + "× the others' median (" + medianNs / 1_000 + " µs)");
                reconcile(completions);
            }
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    /** Backends to check actively: all but DISABLED ones. */
    List<Backend> probeTargets() {
        lock.lock();
        try {
            return states.values().stream().filter(s -> s.admin != AdminState.DISABLED).map(s -> s.backend).toList();
        } finally {
            lock.unlock();
        }
    }

    void onProbe(String backendId, boolean up) {
        List<Runnable> completions = new ArrayList<>();
        lock.lock();
        try {
            BackendState s = states.get(backendId);
            if (s == null || closed) {
                return;
            }
            if (up) {
                s.badProbesInRow = 0;
                s.goodProbesInRow++;
                if (!s.healthy && s.goodProbesInRow >= limits.rise()) {
                    markUp(s, s.goodProbesInRow + " good checks in a row");
                }
            } else {
                s.goodProbesInRow = 0;
                s.badProbesInRow++;
                if (s.healthy && s.badProbesInRow >= limits.fall()) {
                    markDown(s, s.badProbesInRow + " failed checks in a row");
                }
            }
            reconcile(completions);
        } finally {
            lock.unlock();
        }
        completions.forEach(Runnable::run);
    }

    private void markDown(BackendState s, String why) {
        s.healthy = false;
        s.downSinceNs = clock.nanoTime();
        s.resetHealthCounters();
        LOG.log(System.Logger.Level.WARNING, "backend " + s.id() + " of " + spec.name() + " is down: " + why);
        if (limits.probeIntervalMs() == 0) {
            schedule(PASSIVE_RETRY_MS);
        }
    }

    private void markUp(BackendState s, String why) {
        s.healthy = true;
        s.resetHealthCounters();
        s.startSlowStart();
        LOG.log(System.Logger.Level.INFO, "backend " + s.id() + " of " + spec.name() + " is up again: " + why);
    }

    /** After any change of eligibility: serve the queue, or fail it when no backend can ever take it. */
    private void reconcile(List<Runnable> completions) {
        if (states.values().stream().noneMatch(BackendState::usable)) {
            waiters.failAll(this::unavailable, completions);
        } else {
            serveQueue(completions);
        }
    }

    /** Hands free slots to waiters, oldest first. */
    private void serveQueue(List<Runnable> completions) {
        while (!waiters.isEmpty()) {
            List<BackendState> eligible = eligible();
            if (eligible.isEmpty()) {
                return;
            }
            WaitQueue.Waiter w = waiters.pollPending();
            if (w == null) {
                return;
            }
            Ticket ticket = acquire((BackendState) policy.choose(eligible, w.key()));
            completions.add(() -> {
                if (!w.future().complete(ticket)) {
                    ticket.close(); // cancelled meanwhile: give the slot back
                }
            });
        }
    }

    private List<BackendState> eligible() {
        int max = limits.maxConnectionsPerBackend();
        List<BackendState> eligible = new ArrayList<>(states.size());
        for (BackendState s : states.values()) {
            if (s.usable() && (max == 0 || s.active < max)) {
                eligible.add(s);
            }
        }
        return eligible;
    }

    private Ticket acquire(BackendState s) {
        s.active++;
        return new PoolTicket(this, s, s.backend);
    }

    private long medianLatencyOfOthers(BackendState self) {
        long[] averages = states.values().stream().filter(s -> s != self && s.latencyAverageNs > 0)
                .mapToLong(s -> (long) s.latencyAverageNs).sorted().toArray();
        int n = averages.length;
        return n == 0 ? 0 : n % 2 == 1 ? averages[n / 2] : (averages[n / 2 - 1] + averages[n / 2]) / 2;
    }

    private BackendState state(String backendId) {
        BackendState s = states.get(backendId);
        if (s == null) {
            throw ErrorCode.NOT_FOUND.exception("no backend " + backendId + " in " + route.backends() + " of front end "
                    + spec.name() + "; see caravan switch backends");
        }
        return s;
    }

    private RuntimeException unavailable() {
        String why = states.isEmpty() ? "naming shows no process matching it" : "none is healthy and enabled";
        return ErrorCode.UNAVAILABLE.exception("no backend of " + route.backends() + " can take requests (" + why
                + "); see caravan switch backends");
    }

    private void schedule(long delayMs) {
        if (scheduler != null && !closed) {
            try {
                scheduler.schedule(this::tick, delayMs, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shut down under us: the pool is closing
            }
        }
    }
}
