package dev.caravan.node.quota;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.StopReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A node's quotas: one {@link QuotaAccount} per hosted process ({@link #attach}), the
 * {@link QuotaWatchdog} on a platform thread of its own ({@code node-ID-quota-watchdog}, every
 * {@link QuotaWatchdog#PERIOD_MS} ms), and what happens at a violation: the process is stopped
 * through the node ({@link Stopper}: unregistered from naming, its endpoint closed, its thread
 * stopped within the stop deadline or interrupted, demoted to the lowest priority and abandoned),
 * a {@link EventKind#QUOTA_EXCEEDED} event ("process p stopped: CPU quota 50% exceeded (83% over
 * 1.0 s)"), then another saying whether its thread still runs, and the counter
 * {@code caravan.quota.exceeded{process,quota}}. A process whose thread does not end is handed to
 * the {@link #onUnstoppable} hook: Java cannot kill a thread, but a sandbox JVM can exit.
 *
 * <p>Thread-safe. Violations are carried out on a virtual thread each, never on the watchdog's.
 */
public final class NodeQuotas implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeQuotas.class.getName());

    /** Stops a hosted process the way {@code caravan stop} does; returns whether its thread ended. */
    @FunctionalInterface
    public interface Stopper {
        StopReply stop(String name, ProcessRunner runner) throws InterruptedException;
    }

    /** A process stopped for a quota whose thread still runs: what the hook is told. */
    public record Unstoppable(String name, ProcessRunner runner, QuotaViolation violation, String detail) {
    }

    private final String nodeId;
    private final EventLog events;
    private final MeterRegistry registry;
    private final Stopper stopper;
    private final Map<ProcessRunner, QuotaAccount> accounts = new ConcurrentHashMap<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final java.util.function.LongSupplier nanoClock;
    private volatile QuotaSettings settings = QuotaSettings.DEFAULTS;
    private volatile QuotaWatchdog watchdog;
    private volatile Consumer<Unstoppable> unstoppable = u -> { };
    private volatile boolean closed;
    private Thread thread;

    /** @param nanoClock the clock the process runners time their work with ({@code Clock#nanoTime}) */
    public NodeQuotas(String nodeId, EventLog events, MeterRegistry registry, java.util.function.LongSupplier nanoClock,
                      Stopper stopper) {
        this.nodeId = nodeId;
        this.events = events;
        this.registry = registry;
        this.nanoClock = nanoClock;
        this.stopper = stopper;
        this.watchdog = new QuotaWatchdog(settings.handlerTimeoutMs(), this::onExceeded);
    }

    /** Starts the watchdog's thread. */
    public synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = Thread.ofPlatform().daemon(true).name("node-" + nodeId + "-quota-watchdog").start(this::run);
    }

    private void run() {
        while (!closed) {
            try {
                watchdog.doWork(nanoClock.getAsLong(), accounts.values());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "quota watchdog of node " + nodeId + " failed one round", e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(QuotaWatchdog.PERIOD_MS));
        }
    }

    /** The node's settings ({@code --handler-timeout}, {@code --max-bundle-size}); takes effect at the watchdog's next look. */
    public void settings(QuotaSettings s) {
        this.settings = s;
        this.watchdog = new QuotaWatchdog(s.handlerTimeoutMs(), this::onExceeded);
    }

    public QuotaSettings settings() {
        return settings;
    }

    /**
     * The hook told when a process stopped for a quota keeps running (its thread did not end by the
     * stop deadline). The sandbox JVM's host installs one that exits the JVM. Called on a virtual thread.
     */
    public void onUnstoppable(Consumer<Unstoppable> hook) {
        this.unstoppable = java.util.Objects.requireNonNull(hook, "hook");
    }

    /**
     * Starts accounting for a process about to run: validates its quotas, installs the CPU pacer on its
     * runner, and forgets it when its thread ends.
     *
     * @throws CaravanException INVALID_ARGUMENT when its settings hold an invalid quota
     */
    public QuotaAccount attach(String name, ProcessRunner runner, Map<String, String> config) {
        ProcessQuotas quotas = ProcessQuotas.from(config);
        QuotaAccount[] self = new QuotaAccount[1];
        QuotaAccount account = new QuotaAccount(name, quotas, new RunnerProbe(runner), nanoClock,
                v -> onExceeded(self[0], v));
        self[0] = account;
        runner.pacer(account);
        accounts.put(runner, account);
        runner.terminated().thenRun(() -> accounts.remove(runner, account));
        return account;
    }

    /**
     * Admits one call (NODE_CALL) to the process {@code runner} runs, as its data endpoint admits a
     * command: it may hold the caller (throttle).
     *
     * @throws CaravanException QUOTA_EXCEEDED naming the quota when it is over its rate or was stopped for a quota
     */
    public void admitCall(ProcessRunner runner) {
        QuotaAccount a = accounts.get(runner);
        if (a != null && !a.admitRequests(1)) {
            QuotaViolation v = a.violation();
            throw dev.caravan.wire.ErrorCode.QUOTA_EXCEEDED.exception("process " + a.name() + " is stopped: "
                    + (v == null ? "over its quota" : v.message()));
        }
    }

    /** The account of the process {@code name} runs as now, if it is hosted here. */
    public Optional<QuotaAccount> account(String name) {
        return accounts.values().stream().filter(a -> a.name().equals(name) && !a.enforced()).findFirst()
                .or(() -> accounts.values().stream().filter(a -> a.name().equals(name)).findFirst());
    }

    /** For {@code describe}: the quotas of process {@code name} and what it uses, as label/value pairs. */
    public Map<String, String> describe(String name) {
        QuotaAccount a = account(name).orElseThrow(() -> dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no process " + name
                + " on node " + nodeId));
        Map<String, String> d = new LinkedHashMap<>(a.quotas().describe(settings.handlerTimeoutMs()));
        d.put("cpu-used", a.quotas().cpuPercent() > 0 ? String.format(java.util.Locale.ROOT, "%.0f%%", a.cpuPercent()) : "-");
        d.put("throttled", TimeUnit.NANOSECONDS.toMillis(a.throttledNs()) + "ms" + (a.cpuThrottled() ? " (now)" : ""));
        d.put("refused-connections", String.valueOf(a.refusedConnections()));
        return d;
    }

    private void onExceeded(QuotaAccount a, QuotaViolation v) {
        Counter.builder("caravan.quota.exceeded").description("Quota violations on this node, by process and quota")
                .tags("process", a.name(), "quota", v.kind().label()).register(registry).increment();
        if (v.kind() == QuotaViolation.Kind.CONNECTIONS) {
            events.publish(EventKind.QUOTA_EXCEEDED, a.name(), "process " + a.name() + " on " + nodeId + ": " + v.message(),
                    Map.of("node", nodeId, "quota", v.kind().label(), "action", "refused"));
            return;
        }
        events.publish(EventKind.QUOTA_EXCEEDED, a.name(), "process " + a.name() + " stopped: " + v.message(),
                Map.of("node", nodeId, "quota", v.kind().label(), "action", "stopped"));
        ProcessRunner runner = ((RunnerProbe) a.probe()).runner;
        Thread.ofPlatform().daemon(true).name("quota-stop-" + a.name()).start(() -> stop(a, runner, v));
    }

    private void stop(QuotaAccount a, ProcessRunner runner, QuotaViolation v) {
        StopReply reply;
        try {
            reply = stopper.stop(a.name(), runner);
        } catch (CaravanException e) {
            // Gone already (stopped, moved) or being moved: nothing of it runs here for us to stop.
            LOG.log(System.Logger.Level.INFO, "stopping " + a.name() + " for its quota: " + e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        boolean running = !reply.stopped() && runner.threadAlive();
        if (running) {
            runner.demote();
        }
        String message = running
                ? "process " + a.name() + "'s thread still runs after its quota stop (Java cannot kill a thread): "
                        + reply.detail() + "; demoted to the lowest priority"
                : "process " + a.name() + "'s thread ended after its quota stop";
        events.publish(EventKind.QUOTA_EXCEEDED, a.name(), message, Map.of("node", nodeId, "quota", v.kind().label(),
                "action", "stopped", "threadRunning", String.valueOf(running)));
        if (running) {
            try {
                unstoppable.accept(new Unstoppable(a.name(), runner, v, reply.detail()));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "the unstoppable-process hook failed for " + a.name(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Reads a runner for the watchdog without asking its thread. */
    private final class RunnerProbe implements QuotaAccount.Probe {
        private final ProcessRunner runner;

        RunnerProbe(ProcessRunner runner) {
            this.runner = runner;
        }

        @Override
        public String busyWith() {
            return runner.busyWith();
        }

        @Override
        public long busySinceNs() {
            return runner.busySinceNs();
        }

        @Override
        public long threadCpuNs() {
            long id = runner.threadId();
            return id < 0 || !threads.isThreadCpuTimeSupported() ? -1 : threads.getThreadCpuTime(id);
        }
    }
}
