package dev.caravan.switching;

import dev.caravan.core.time.Clock;
import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingService;
import dev.caravan.switching.admin.AdminServer;
import dev.caravan.switching.admin.SwitchAdmin;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.switching.shared.FrontendApplier;
import dev.caravan.switching.shared.FrontendConfigReplicator;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.CloseAll;
import dev.caravan.wire.ErrorCode;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The switch daemon: the cluster's first tier. Holds a naming lease and registers
 * {@code switch/<id>} (host and port of its admin API, attributes {@code admin=host:port},
 * {@code role=switch}); runs the declared front ends and those declared at runtime through the
 * admin API; gives each route of each front end a pool ({@link RoutePool}) fed by a
 * {@link BackendSetWatch} (PROCESS front ends have none: they follow their process through
 * naming); and, unless switched off, runs the automatic front ends — one per RESP process, one
 * per HTTP service ({@link ProcessFronts}).
 *
 * <p>Declared front ends (config file, admin API) are shared with every switch of the cluster
 * through naming ({@link FrontendConfigReplicator}); the automatic ones are each switch's own.
 *
 * <p>Entries the switch registers carry the epoch {@code startEpoch} (its start time in ms), so a
 * restarted switch replaces the entries that the lease of its dead predecessor still holds.
 *
 * <p>Threading: thread-safe. Lease renewal and the process front ends run on one task thread;
 * admin requests on the admin server's threads; front ends on their own.
 */
public final class SwitchDaemon implements SwitchContext, SwitchAdmin, FrontendApplier, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SwitchDaemon.class.getName());

    private record PoolKey(String frontend, Route route) {
    }

    private record PoolEntry(RoutePool pool, BackendSetWatch watch) {
    }

    private final SwitchConfig config;
    private final NamingService naming;
    private final Clock clock;
    private final Frontends.Starter starter;
    private final RoutePool.Factory pools;
    private final long startEpoch;
    private final long configEpochMs;
    private final ScheduledExecutorService tasks;
    private final Map<String, Frontend> frontends = new ConcurrentHashMap<>();
    private final Map<PoolKey, PoolEntry> poolsByRoute = new ConcurrentHashMap<>();
    /** front/<process> entries this switch holds: process → port. */
    private final Map<String, Integer> frontEntries = new ConcurrentHashMap<>();
    /** Attributes added to {@code switch/<id>} after start ({@link #announce}). */
    private final Map<String, String> announced = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private SwitchLease lease;
    private AdminServer admin;
    private ProcessFronts processFronts;
    private FrontendConfigReplicator shared;
    private volatile boolean closed;
    /** The switch's {@code --tls} identity: its session links to data endpoints go over TLS with it. */
    private final dev.caravan.wire.security.TransportSecurity security;
    /** Created when the first Netty front end starts; closed after every front end. */
    private dev.caravan.switching.transport.SwitchEventLoops eventLoops;

    private SwitchDaemon(SwitchConfig config, NamingService naming, Clock clock, Frontends.Starter starter,
                         RoutePool.Factory pools, long configEpochMs, dev.caravan.wire.security.TransportSecurity security) {
        this.config = config;
        this.security = java.util.Objects.requireNonNull(security, "security");
        this.naming = naming;
        this.clock = clock;
        this.starter = starter;
        this.pools = pools;
        this.startEpoch = clock.nowMs();
        this.configEpochMs = configEpochMs < 0 ? startEpoch : configEpochMs;
        this.tasks = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon(true)
                .name("switch-" + config.id() + "-tasks").unstarted(r));
    }

    /** Starts a switch with the front ends of this build ({@link Frontends}) and pools ({@link Dispatchers}). */
    public static SwitchDaemon start(SwitchConfig config, NamingService naming, Clock clock) throws Exception {
        return start(config, naming, clock, Frontends::start, Dispatchers::create);
    }

    /**
     * Starts a switch with the front ends of this build, its config file's front ends being the
     * version of {@code configEpochMs} (the file's modification time, in ms) in the cluster's shared
     * configuration ({@link FrontendConfigReplicator}).
     */
    public static SwitchDaemon start(SwitchConfig config, long configEpochMs, NamingService naming, Clock clock) throws Exception {
        return start(config, naming, clock, Frontends::start, Dispatchers::create, configEpochMs);
    }

    /**
     * Starts a switch: lease, declared front ends, admin API, {@code switch/<id>}, process front
     * ends. A failure stops what started and is thrown.
     *
     * @throws CaravanException UNAVAILABLE when naming or an address is unreachable, and the front ends' errors
     */
    public static SwitchDaemon start(SwitchConfig config, NamingService naming, Clock clock, Frontends.Starter starter,
                                     RoutePool.Factory pools) throws Exception {
        return start(config, naming, clock, starter, pools, -1);
    }

    /**
     * As {@link #start(SwitchConfig, NamingService, Clock, Frontends.Starter, RoutePool.Factory)}, the config
     * file's front ends being the version {@code configEpochMs} (negative: the switch's start time).
     */
    public static SwitchDaemon start(SwitchConfig config, NamingService naming, Clock clock, Frontends.Starter starter,
                                     RoutePool.Factory pools, long configEpochMs) throws Exception {
        return start(config, naming, clock, starter, pools, configEpochMs, dev.caravan.wire.security.TransportSecurity.plaintext());
    }

    /**
     * As {@link #start(SwitchConfig, long, NamingService, Clock)}, its session links to data endpoints
     * (RESP front ends' backends, process front ends) over {@code security} when it is TLS
     * ({@link TlsSessionLinks}).
     */
    public static SwitchDaemon start(SwitchConfig config, long configEpochMs, NamingService naming, Clock clock,
                                     dev.caravan.wire.security.TransportSecurity security) throws Exception {
        return start(config, naming, clock, Frontends::start, Dispatchers::create, configEpochMs, security);
    }

    private static SwitchDaemon start(SwitchConfig config, NamingService naming, Clock clock, Frontends.Starter starter,
                                      RoutePool.Factory pools, long configEpochMs, dev.caravan.wire.security.TransportSecurity security)
            throws Exception {
        SwitchDaemon d = new SwitchDaemon(config, naming, clock, starter, pools, configEpochMs, security);
        try {
            d.onStart();
            return d;
        } catch (Exception | Error e) {
            try {
                d.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private void onStart() throws Exception {
        lease = new SwitchLease(naming, "switch/" + config.id(), config.leaseMs(), this::registerAll);
        long period = Math.max(10, config.leaseMs() / 3);
        tasks.scheduleWithFixedDelay(lease::onTick, period, period, TimeUnit.MILLISECONDS);
        shared = new FrontendConfigReplicator(naming, config.id(), config.bindHost(), lease::leaseId, clock, this, tasks);
        shared.start(config.frontends(), configEpochMs);
        tasks.scheduleWithFixedDelay(shared::resync, config.leaseMs(), config.leaseMs(), TimeUnit.MILLISECONDS);
        admin = AdminServer.start(new InetSocketAddress(config.bindHost(), config.adminPort()), this, config.token());
        registerSelf(lease.leaseId());
        if (config.processFronts()) {
            processFronts = ProcessFronts.start(this, config, tasks);
        }
        LOG.log(System.Logger.Level.INFO, "switch " + config.id() + " serving; admin " + adminHostPort());
    }

    // ---- what the launcher and tests see ----

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    /** {@code host:port} of the admin API. */
    public String adminHostPort() {
        return config.bindHost() + ":" + admin.address().getPort();
    }

    public SwitchConfig config() {
        return config;
    }

    /** The front end called {@code name}, if running. */
    public java.util.Optional<Frontend> frontend(String name) {
        return java.util.Optional.ofNullable(frontends.get(name));
    }

    // ---- SwitchContext ----

    @Override
    public Dispatcher dispatcher(FrontendSpec frontend, Route route) {
        return poolEntry(frontend, route).pool().dispatcher();
    }

    private PoolEntry poolEntry(FrontendSpec frontend, Route route) {
        return poolsByRoute.computeIfAbsent(new PoolKey(frontend.name(), route), k -> {
            RoutePool pool = pools.create(frontend, route, clock);
            try {
                return new PoolEntry(pool, BackendSetWatch.start(naming, route.backends(), pool.sink()));
            } catch (RuntimeException e) {
                closeQuietly(pool);
                throw e;
            }
        });
    }

    @Override
    public NamingService naming() {
        return naming;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public String linkToken() {
        return config.token();
    }

    @Override
    public dev.caravan.wire.security.TransportSecurity linkSecurity() {
        return security;
    }

    @Override
    public String switchId() {
        return config.id();
    }

    // ---- SwitchAdmin ----

    @Override
    public List<Frontend> frontends() {
        List<Frontend> all = new ArrayList<>(frontends.values());
        all.sort(Comparator.comparing(f -> f.spec().name()));
        return all;
    }

    @Override
    public List<RouteBackend> backends(String frontend) {
        if (frontend != null && !frontends.containsKey(frontend)) {
            throw ErrorCode.NOT_FOUND.exception("no front end " + frontend + "; see caravan switch frontends");
        }
        List<RouteBackend> out = new ArrayList<>();
        for (Frontend f : frontends()) {
            if (frontend != null && !f.spec().name().equals(frontend)) {
                continue;
            }
            List<Route> routes = f.spec().routes();
            if (f.spec().mode() == DispatchMode.PROCESS) {
                // No pool: the front end follows its one process through naming; show where it runs now.
                BackendStatus s = ProcessFronts.status(f, naming);
                out.add(new RouteBackend(f.spec().name(), 0, routes.getFirst().backends().toString(), s,
                        f.backendMode(s.id(), s.node())));
                continue;
            }
            for (int i = 0; i < routes.size(); i++) {
                PoolEntry e = poolsByRoute.get(new PoolKey(f.spec().name(), routes.get(i)));
                if (e != null) {
                    for (BackendStatus s : e.pool().control().status()) {
                        out.add(new RouteBackend(f.spec().name(), i, routes.get(i).backends().toString(), s,
                                f.backendMode(s.id(), s.node())));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Starts a front end here and, unless it is an automatic one, publishes it to every switch of
     * the cluster.
     *
     * @throws CaravanException ALREADY_EXISTS for a name in use here or changed on another switch at
     *                          the same time, UNAVAILABLE when its address cannot be bound
     */
    @Override
    public Frontend declare(FrontendSpec spec) {
        Frontend f = startLocal(spec);
        if (!SwitchConfig.isAutomatic(spec.name())) {
            try {
                FrontendSpec bound = new FrontendSpec(spec.name(), new InetSocketAddress(spec.listen().getAddress(),
                        f.address().getPort()), spec.protocol(), spec.mode(), spec.routes(), spec.limits());
                shared.publish(bound, shared.ownHost(spec));
            } catch (RuntimeException e) {
                stopLocal(spec.name());
                throw e;
            }
        }
        return f;
    }

    /**
     * Stops a front end here and, unless it is an automatic one, publishes its removal to every
     * switch of the cluster (also when it does not run here).
     *
     * @throws CaravanException NOT_FOUND when neither this switch nor the cluster has it
     */
    @Override
    public void remove(String name) {
        boolean published = !SwitchConfig.isAutomatic(name) && shared != null && shared.publishRemoval(name);
        if (!stopLocal(name) && !published) {
            throw ErrorCode.NOT_FOUND.exception("no front end " + name + "; see caravan switch frontends");
        }
    }

    // ---- FrontendApplier: the shared configuration acting on this switch ----

    @Override
    public int adopt(FrontendSpec spec) {
        synchronized (lifecycle) {
            Frontend running = frontends.get(spec.name());
            if (running != null) {
                FrontendSpec r = running.spec();
                FrontendSpec asBound = new FrontendSpec(r.name(), new InetSocketAddress(r.listen().getAddress(),
                        running.address().getPort()), r.protocol(), r.mode(), r.routes(), r.limits());
                if (r.equals(spec) || asBound.equals(spec)) {
                    return running.address().getPort();
                }
                stopLocal(spec.name());
            }
            return startLocal(spec).address().getPort();
        }
    }

    @Override
    public void withdraw(String name) {
        stopLocal(name);
    }

    private Frontend startLocal(FrontendSpec spec) {
        Frontend started;
        synchronized (lifecycle) {
            if (closed) {
                throw ErrorCode.UNAVAILABLE.exception("switch " + config.id() + " is stopping");
            }
            if (frontends.containsKey(spec.name())) {
                throw ErrorCode.ALREADY_EXISTS.exception("front end " + spec.name() + " already exists; remove it first ('caravan switch remove " + spec.name() + "')");
            }
            Frontend f;
            try {
                f = starter.start(spec, this);
            } catch (RuntimeException e) {
                closePools(spec.name());
                throw e;
            }
            frontends.put(spec.name(), f);
            LOG.log(System.Logger.Level.INFO, "front end " + spec.name() + " (" + spec.protocol() + ", " + spec.mode()
                    + ") listening on " + f.address().getHostString() + ":" + f.address().getPort());
            started = f;
        }
        onServingChanged(spec.name());
        return started;
    }

    /** Stops the front end {@code name} here; false when it does not run here. */
    private boolean stopLocal(String name) {
        Frontend f;
        synchronized (lifecycle) {
            f = frontends.remove(name);
        }
        if (f == null) {
            return false;
        }
        try {
            f.close();
        } finally {
            closePools(name);
        }
        LOG.log(System.Logger.Level.INFO, "front end " + name + " closed");
        onServingChanged(name);
        return true;
    }

    /** Keeps {@code switch/<id>}'s {@code frontends} attribute (the declared front ends served here) current. */
    private void onServingChanged(String frontend) {
        if (SwitchConfig.isAutomatic(frontend) || admin == null || closed) {
            return;
        }
        try {
            registerSelf(lease.leaseId());
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.INFO, "cannot update switch/" + config.id() + " in naming yet: " + e.getMessage());
        }
    }

    /** The declared (non-automatic) front ends served here, comma-separated, within an attribute's size. */
    private String servedList() {
        StringBuilder b = new StringBuilder();
        for (String name : new java.util.TreeSet<>(frontends.keySet())) {
            if (SwitchConfig.isAutomatic(name)) {
                continue;
            }
            if (b.length() + name.length() + 2 > NamingEntry.MAX_VALUE_BYTES - 4) {
                b.append(",...");
                break;
            }
            b.append(b.isEmpty() ? "" : ",").append(name);
        }
        return b.toString();
    }

    /** The cluster's shared front-end configuration as this switch holds it. */
    public FrontendConfigReplicator sharedFrontends() {
        return shared;
    }

    private void closePools(String frontend) {
        for (PoolKey k : List.copyOf(poolsByRoute.keySet())) {
            if (k.frontend().equals(frontend)) {
                PoolEntry e = poolsByRoute.remove(k);
                if (e != null) {
                    e.watch().close();
                    closeQuietly(e.pool());
                }
            }
        }
    }

    @Override
    public void setWeight(String backendId, int weight) {
        if (weight < 1 || weight > 256) {
            throw ErrorCode.INVALID_ARGUMENT.exception("weight " + weight + " outside 1..256");
        }
        onEveryPoolWith(backendId, c -> c.setWeight(backendId, weight));
    }

    @Override
    public void setAdminState(String backendId, AdminState state) {
        onEveryPoolWith(backendId, c -> c.setAdminState(backendId, state));
    }

    private void onEveryPoolWith(String backendId, java.util.function.Consumer<BackendControl> action) {
        int applied = 0;
        for (PoolEntry e : poolsByRoute.values()) {
            BackendControl c = e.pool().control();
            if (c.status().stream().anyMatch(s -> s.id().equals(backendId))) {
                action.accept(c);
                applied++;
            }
        }
        if (applied == 0) {
            for (Frontend f : frontends.values()) {
                if (f.spec().mode() == DispatchMode.PROCESS && f.spec().routes().getFirst().backends().value().equals(backendId)) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("backend " + backendId + " is served by the process front end "
                            + f.spec().name() + ", which follows it wherever it runs; move it with caravan migrate or caravan drain NODE");
                }
            }
            throw ErrorCode.NOT_FOUND.exception("no front end has a backend " + backendId + "; see caravan switch backends");
        }
    }

    // ---- naming entries ----

    private void registerSelf(long leaseId) {
        String admin = adminHostPort();
        Map<String, String> attributes = new java.util.TreeMap<>(announced);
        attributes.put("admin", admin);
        attributes.put("role", "switch");
        attributes.put("frontends", servedList());
        naming.register(leaseId, new NamingEntry("switch/" + config.id(), "", config.bindHost(), this.admin.address().getPort(),
                startEpoch, attributes));
    }

    /**
     * Adds an attribute to this switch's naming entry {@code switch/<id>} and registers it again (for
     * example {@code metrics=host:port}, its observation port, opened after the switch started);
     * kept when the entry is registered anew under a new lease.
     *
     * @throws CaravanException from naming
     */
    public void announce(String key, String value) {
        announced.put(key, value);
        registerSelf(lease.leaseId());
    }

    /**
     * Registers {@code front/<process>} (this switch's front end for it) under the lease.
     *
     * @throws CaravanException from naming (STALE_EPOCH when a newer switch holds it)
     */
    void registerFront(String process, int port) {
        naming.register(lease.leaseId(), frontEntry(process, port));
        frontEntries.put(process, port);
    }

    /** Withdraws {@code front/<process>}; best effort. */
    void unregisterFront(String process) {
        if (frontEntries.remove(process) != null) {
            try {
                naming.unregister(lease.leaseId(), "front/" + process, startEpoch);
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.DEBUG, "withdrawing front/" + process + ": " + e.getMessage());
            }
        }
    }

    private NamingEntry frontEntry(String process, int port) {
        return new NamingEntry("front/" + process, "", config.bindHost(), port, startEpoch, Map.of("switch", config.id()));
    }

    private void registerAll(long leaseId) {
        registerSelf(leaseId);
        if (shared != null) {
            shared.requestResync();
        }
        frontEntries.forEach((process, port) -> {
            try {
                naming.register(leaseId, frontEntry(process, port));
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot register front/" + process + " again: " + e.getMessage());
            }
        });
    }

    @Override
    public dev.caravan.switching.transport.SwitchEventLoops eventLoops() {
        synchronized (lifecycle) {
            if (eventLoops == null) {
                eventLoops = dev.caravan.switching.transport.SwitchEventLoops.forCores();
            }
            return eventLoops;
        }
    }

    // ---- lifecycle ----

    /** Stops the process front ends, the front ends (closing client connections), the admin API, and the lease. */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        CloseAll all = new CloseAll();
        all.close(shared);
        all.close(processFronts);
        all.run(tasks::shutdownNow);
        all.close(admin);
        for (String name : List.copyOf(frontends.keySet())) {
            all.run(() -> stopLocal(name));
        }
        for (PoolKey k : List.copyOf(poolsByRoute.keySet())) {
            all.run(() -> closePools(k.frontend()));
        }
        synchronized (lifecycle) {
            if (eventLoops != null) {
                all.close(eventLoops);
            }
        }
        all.close(lease);
        all.throwIfFailed("closing switch " + config.id());
    }

    private static void closeQuietly(RoutePool pool) {
        try {
            pool.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing a backend pool failed: " + e);
        }
    }
}
