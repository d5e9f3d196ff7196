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

/**
 * The automatic process front ends: for every {@code process/<name>} in naming the switch runs a
 * PROCESS-mode RESP front end {@code process-<name>} (route {@code name:<name>}), so that each
 * stateful process is reachable through the switch by name, and registers {@code front/<name>}
 * (its host:port, attribute {@code switch=<id>}) under the switch's lease — what {@code caravan ps}
 * shows. Ports are remembered in {@link ProcessPortStore} and bound again after a restart (a port
 * taken meanwhile is replaced by a new one, with a WARNING). A process absent from naming for
 * longer than the grace period loses its front end; a migration re-registers it long before.
 *
 * <p>Threading: every change runs on the switch's task thread (naming's watch thread only hands
 * events over), so the state below has one writer.
 */
final class ProcessFronts implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ProcessFronts.class.getName());

    private final SwitchDaemon daemon;
    private final SwitchConfig config;
    private final ScheduledExecutorService tasks;
    private final ProcessPortStore ports;
    private final Set<String> present = new HashSet<>();
    private final Map<String, ScheduledFuture<?>> closing = new HashMap<>();
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
                    p.onPresent(processName(e));
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

    private void onEvent(NamingEvent event) {
        String name = processName(event.entry());
        try {
            if (event.kind() == NamingEvent.Kind.PUT) {
                onPresent(name);
            } else {
                onAbsent(name);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "process front end of " + name + ": " + e);
        }
    }

    private void onPresent(String process) {
        present.add(process);
        ScheduledFuture<?> pending = closing.remove(process);
        if (pending != null) {
            pending.cancel(false);
        }
        if (daemon.frontend(frontendName(process)).isEmpty()) {
            open(process);
        }
    }

    private void onAbsent(String process) {
        if (present.remove(process) && daemon.frontend(frontendName(process)).isPresent()) {
            closing.put(process, tasks.schedule(() -> closeIfStillAbsent(process), config.processGraceMs(),
                    TimeUnit.MILLISECONDS));
        }
    }

    static String frontendName(String process) {
        return SwitchConfig.PROCESS_FRONT_PREFIX + process;
    }

    private void open(String process) {
        int remembered = ports.port(process);
        Frontend f;
        try {
            f = declare(process, remembered);
        } catch (CaravanException e) {
            if (e.code() == ErrorCode.UNAVAILABLE && remembered != 0) {
                LOG.log(System.Logger.Level.WARNING, "port " + remembered + " of process " + process
                        + "'s front end is taken (" + e.getMessage() + "); it gets a new port");
                f = declareOrLog(process, 0);
            } else {
                f = logRefusal(process, e);
            }
        }
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
        try {
            daemon.registerFront(process, port);
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot register front/" + process + ": " + e.getMessage());
        }
    }

    private Frontend declare(String process, int port) {
        Route route = new Route(Route.RouteMatch.ANY, new BackendSelector(BackendSelector.Kind.NAME, process),
                PolicyKind.ROUND_ROBIN, null);
        FrontendSpec spec = new FrontendSpec(frontendName(process), new InetSocketAddress(config.bindHost(), port),
                FrontendProtocol.RESP, DispatchMode.PROCESS, List.of(route), FrontendSpec.BackendLimits.DEFAULTS);
        return daemon.declare(spec);
    }

    private Frontend declareOrLog(String process, int port) {
        try {
            return declare(process, port);
        } catch (CaravanException e) {
            return logRefusal(process, e);
        }
    }

    private Frontend logRefusal(String process, CaravanException e) {
        if (e.code() == ErrorCode.NOT_SUPPORTED) {
            if (!unsupportedLogged) {
                unsupportedLogged = true;
                LOG.log(System.Logger.Level.WARNING, "processes are not reachable through this switch: " + e.getMessage());
            }
        } else {
            LOG.log(System.Logger.Level.WARNING, "no front end for process " + process + ": " + e.getMessage());
        }
        return null;
    }

    private void closeIfStillAbsent(String process) {
        try {
            closeFrontend(process);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the front end of " + process + ": " + e);
        }
    }

    private void closeFrontend(String process) {
        closing.remove(process);
        if (present.contains(process)) {
            return;
        }
        daemon.unregisterFront(process);
        try {
            daemon.remove(frontendName(process));
        } catch (CaravanException e) {
            LOG.log(System.Logger.Level.DEBUG, "front end of " + process + " already gone: " + e.getMessage());
        }
        try {
            ports.put(process, 0);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot forget the port of " + process + ": " + e.getMessage());
        }
        LOG.log(System.Logger.Level.INFO, "process " + process + " left naming " + config.processGraceMs()
                + " ms ago; its front end is closed");
    }

    /** Stops following naming; the front ends themselves close with the switch. */
    @Override
    public void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
