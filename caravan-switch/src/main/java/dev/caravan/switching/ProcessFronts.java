package dev.caravan.switching;

import dev.caravan.naming.NamingEntry;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.Watch;
import dev.caravan.switching.config.SwitchConfig;
import dev.caravan.switching.policy.PolicyKind;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * The automatic front ends, chosen by the {@code protocol} attribute that nodes publish on every
 * {@code process/<name>}:
 * <ul>
 * <li>a RESP process (or one whose node publishes no protocol) gets a PROCESS-mode RESP front end
 *     {@code process-<name>} (route {@code name:<name>}): a stateful process reachable through the
 *     switch by name, followed across migrations;</li>
 * <li>an HTTP process gets none of its own; each HTTP <em>service</em> — the processes labelled
 *     {@code label.service=<svc>}, as {@code caravan deploy --replicas} labels them — gets one
 *     content-aware HTTP front end {@code service-<svc>} (route {@code label:service=<svc>},
 *     round robin). An HTTP process with no service label is reachable only at its data endpoint.
 *     RESP services get no automatic service front end: their members are shards or replicas of
 *     different data, and only their owner knows how keys map onto them (declare one).</li>
 * </ul>
 * For each process reachable so, {@code front/<name>} is registered (host:port of its own or its
 * service's front end, attribute {@code switch=<id>}) under the switch's lease — what
 * {@code caravan ps} shows. Ports are remembered in {@link ProcessPortStore} and bound again after
 * a restart (a port taken meanwhile is replaced by a new one, with a WARNING). A process absent
 * from naming for longer than the grace period loses its front end and its {@code front/} entry;
 * a service's front end closes when the service has had no process for the grace period. A
 * migration re-registers a process long before.
 *
 * <p>Threading: every change runs on the switch's task thread (naming's watch thread only hands
 * events over), so the state below has one writer.
 */
final class ProcessFronts implements AutoCloseable {
    /** The naming attribute with a process's protocol, and its value for HTTP processes. */
    static final String PROTOCOL_ATTRIBUTE = "protocol";
    static final String HTTP = "http";
    /** The label that groups processes into a service. */
    static final String SERVICE_ATTRIBUTE = BackendSelector.LABEL_ATTRIBUTE_PREFIX + "service";

    private static final System.Logger LOG = System.getLogger(ProcessFronts.class.getName());

    /** What the switch knows of a present process: whether it speaks HTTP, and its service (null: none). */
    private record Member(boolean http, String service) {
        static Member of(NamingEntry e) {
            boolean http = HTTP.equals(e.attribute(PROTOCOL_ATTRIBUTE));
            String service = e.attribute(SERVICE_ATTRIBUTE);
            return new Member(http, http && service != null && !service.isEmpty() ? service : null);
        }
    }

    private final SwitchDaemon daemon;
    private final SwitchConfig config;
    private final ScheduledExecutorService tasks;
    private final ProcessPortStore ports;
    private final Map<String, Member> present = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> closing = new HashMap<>();
    private final Map<String, ScheduledFuture<?>> servicesClosing = new HashMap<>();
    private final Set<String> badServiceNamesLogged = new HashSet<>();
    private Watch watch;
    private boolean unsupportedLogged;

    private ProcessFronts(SwitchDaemon daemon, SwitchConfig config, ScheduledExecutorService tasks, ProcessPortStore ports) {
        this.daemon = daemon;
        this.config = config;
        this.tasks = tasks;
        this.ports = ports;
    }

    /** Opens the front ends of the processes in naming now (before returning), then follows naming. */
    static ProcessFronts start(SwitchDaemon daemon, SwitchConfig config, ScheduledExecutorService tasks)
            throws IOException, InterruptedException {
        ProcessFronts p = new ProcessFronts(daemon, config, tasks, ProcessPortStore.open(config.stateDir()));
        p.watch = daemon.naming().watch(BackendSetWatch.PROCESS_PREFIX, e -> tasks.execute(() -> p.onEvent(e)));
        try {
            tasks.submit(() -> {
                for (NamingEntry e : daemon.naming().list(BackendSetWatch.PROCESS_PREFIX)) {
                    p.onPresent(e);
                }
            }).get();
        } catch (ExecutionException e) {
            p.close();
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IOException(e.getCause());
        }
        return p;
    }

    private static String processName(NamingEntry e) {
        return e.name().substring(BackendSetWatch.PROCESS_PREFIX.length());
    }

    static String frontendName(String process) {
        return SwitchConfig.PROCESS_FRONT_PREFIX + process;
    }

    static String serviceFrontendName(String service) {
        return SwitchConfig.SERVICE_FRONT_PREFIX + service;
    }

    private void onEvent(NamingEvent event) {
        try {
            if (event.kind() == NamingEvent.Kind.PUT) {
                onPresent(event.entry());
            } else {
                onAbsent(processName(event.entry()));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "automatic front end of " + processName(event.entry()) + ": " + e);
        }
    }

    private void onPresent(NamingEntry entry) {
        String process = processName(entry);
        Member now = Member.of(entry);
        Member before = present.put(process, now);
        ScheduledFuture<?> pending = closing.remove(process);
        if (pending != null) {
            pending.cancel(false);
        }
        if (before != null && !before.equals(now)) {
            onChanged(process, before);
        }
        if (!now.http()) {
            if (daemon.frontend(frontendName(process)).isEmpty()) {
                openProcessFront(process);
            }
        } else if (now.service() != null) {
            Frontend service = serviceFront(now.service());
            if (service != null) {
                register(process, service.address().getPort());
            }
        }
    }

    /** A process whose protocol or service changed while present: undo what its old form had. */
    private void onChanged(String process, Member before) {
        if (!before.http()) {
            closeProcessFront(process);
        } else {
            daemon.unregisterFront(process);
            if (before.service() != null) {
                onServiceMemberGone(before.service());
            }
        }
    }

    private void onAbsent(String process) {
        Member gone = present.remove(process);
        if (gone == null) {
            return;
        }
        ScheduledFuture<?> old = closing.put(process, tasks.schedule(() -> closeIfStillAbsent(process, gone),
                config.processGraceMs(), TimeUnit.MILLISECONDS));
        if (old != null) {
            old.cancel(false);
        }
        if (gone.service() != null) {
            onServiceMemberGone(gone.service());
        }
    }

    private void onServiceMemberGone(String service) {
        if (!hasMembers(service) && daemon.frontend(serviceFrontendName(service)).isPresent()
                && !servicesClosing.containsKey(service)) {
            servicesClosing.put(service, tasks.schedule(() -> closeServiceIfEmpty(service), config.processGraceMs(),
                    TimeUnit.MILLISECONDS));
        }
    }

    private boolean hasMembers(String service) {
        return present.values().stream().anyMatch(m -> service.equals(m.service()));
    }

    // ---- opening ----

    private void openProcessFront(String process) {
        Frontend f = open("process " + process, ports.port(process), port -> processSpec(process, port));
        if (f == null) {
            return;
        }
        int port = f.address().getPort();
        try {
            ports.put(process, port);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remember the port of " + process + "'s front end in "
                    + config.stateDir() + ": " + e.getMessage() + "; it may change when the switch restarts");
        }
        register(process, port);
    }

    /** The running front end of {@code service}, opened now if need be; null when it cannot be. */
    private Frontend serviceFront(String service) {
        ScheduledFuture<?> pending = servicesClosing.remove(service);
        if (pending != null) {
            pending.cancel(false);
        }
        String name = serviceFrontendName(service);
        Frontend running = daemon.frontend(name).orElse(null);
        if (running != null) {
            return running;
        }
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            if (badServiceNamesLogged.add(service)) {
                LOG.log(System.Logger.Level.WARNING, "service '" + service + "' gets no front end: a front end name is 1..64"
                        + " letters, digits, '-', '_' or '.'; declare one for label:service=" + service);
            }
            return null;
        }
        Frontend f = open("service " + service, ports.servicePort(service), port -> serviceSpec(service, port));
        if (f == null) {
            return null;
        }
        try {
            ports.putService(service, f.address().getPort());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remember the port of service " + service + "'s front end in "
                    + config.stateDir() + ": " + e.getMessage() + "; it may change when the switch restarts");
        }
        return f;
    }

    private FrontendSpec processSpec(String process, int port) {
        Route route = new Route(Route.RouteMatch.ANY, new BackendSelector(BackendSelector.Kind.NAME, process),
                PolicyKind.ROUND_ROBIN, null);
        return new FrontendSpec(frontendName(process), new InetSocketAddress(config.bindHost(), port),
                FrontendProtocol.RESP, DispatchMode.PROCESS, List.of(route), FrontendSpec.BackendLimits.DEFAULTS);
    }

    private FrontendSpec serviceSpec(String service, int port) {
        Route route = new Route(Route.RouteMatch.ANY, new BackendSelector(BackendSelector.Kind.LABEL, "service=" + service),
                PolicyKind.ROUND_ROBIN, null);
        return new FrontendSpec(serviceFrontendName(service), new InetSocketAddress(config.bindHost(), port),
                FrontendProtocol.HTTP, DispatchMode.CONTENT, List.of(route), FrontendSpec.BackendLimits.DEFAULTS);
    }

    /** Declares a front end on its remembered port, or on a new one when that is taken; null (logged) when refused. */
    private Frontend open(String what, int remembered, IntFunction<FrontendSpec> spec) {
        try {
            return daemon.declare(spec.apply(remembered));
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.UNAVAILABLE && remembered != 0) {
                LOG.log(System.Logger.Level.WARNING, "port " + remembered + " of " + what + "'s front end is taken ("
                        + e.getMessage() + "); it gets a new port");
                try {
                    return daemon.declare(spec.apply(0));
                } catch (CaravanException again) {
                    return logRefusal(what, again);
                }
            }
            return logRefusal(what, e);
        }
    }

    private Frontend logRefusal(String what, CaravanException e) {
        if (e.code() == ErrorCode.NOT_SUPPORTED) {
            if (!unsupportedLogged) {
                unsupportedLogged = true;
                LOG.log(System.Logger.Level.WARNING, "automatic front ends are not built in this switch: " + e.getMessage());
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, "no front end for " + what + ": " + e.getMessage());
        }
        return null;
    }

    private void register(String process, int port) {
        try {
            daemon.registerFront(process, port);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot register front/" + process + ": " + e.getMessage());
        }
    }

    /**
     * A PROCESS front end's one backend as {@code caravan switch backends} shows it: its process
     * where naming says it runs now (address and node "" and not healthy when it is absent),
     * weight 1, and the front end's own counters (client connections as active, batches answered
     * as served, batches failed as failed). It has no admin state of its own: it is READY.
     */
    static BackendStatus status(Frontend f, dev.caravan.naming.NamingService naming) {
        String process = f.spec().routes().getFirst().backends().value();
        NamingEntry e;
        try {
            e = naming.lookup(BackendSetWatch.PROCESS_PREFIX + process).orElse(null);
        } catch (CaravanException unreachable) {
            e = null;
        }
        return new BackendStatus(process, e == null ? "" : e.host() + ":" + e.port(), e == null ? "" : e.node(), AdminState.READY,
                e != null, 1, e == null ? 0 : 1, f.clientConnections(), f.dispatched(), f.refused());
    }

    // ---- closing ----

    private void closeIfStillAbsent(String process, Member gone) {
        try {
            closing.remove(process);
            if (present.containsKey(process)) {
                return;
            }
            if (gone.http()) {
                daemon.unregisterFront(process);
            } else {
                closeProcessFront(process);
                LOG.log(System.Logger.Level.INFO, "process " + process + " left naming " + config.processGraceMs()
                        + " ms ago; its front end is closed");
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the front end of " + process + ": " + e);
        }
    }

    /** Forgets the port first, so that whoever sees the front end gone sees its port forgotten too. */
    private void closeProcessFront(String process) {
        try {
            ports.put(process, 0);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot forget the port of " + process + ": " + e.getMessage());
        }
        daemon.unregisterFront(process);
        removeQuietly(frontendName(process));
    }

    private void closeServiceIfEmpty(String service) {
        try {
            servicesClosing.remove(service);
            if (hasMembers(service)) {
                return;
            }
            // Every member's front/ entry went with its own timer: each started no later than this one.
            try {
                ports.putService(service, 0);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot forget the port of service " + service + ": " + e.getMessage());
            }
            removeQuietly(serviceFrontendName(service));
            LOG.log(System.Logger.Level.INFO, "service " + service + " has had no process for " + config.processGraceMs()
                    + " ms; its front end is closed");
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the front end of service " + service + ": " + e);
        }
    }

    private void removeQuietly(String frontend) {
        try {
            daemon.remove(frontend);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.DEBUG, "front end " + frontend + " already gone: " + e.getMessage());
        }
    }

    /** Stops following naming; the front ends themselves close with the switch. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
