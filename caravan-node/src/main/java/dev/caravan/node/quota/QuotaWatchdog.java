package dev.caravan.node.quota;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Looks at every hosted process's {@link QuotaAccount} on each {@link #doWork} (a node calls it
 * every {@link #PERIOD_MS} ms from a platform thread of its own, so that it runs however busy the
 * processes' threads are): a request that has run in a handler longer than the process's
 * {@code quota.handler-ms} (else the node's default), and a CPU share over {@code quota.cpu-percent}
 * across the last second. Under policy {@code stop} (and always for the handler limit) the
 * violation is handed to the {@link Enforcer} once; under {@code throttle} the account's CPU
 * throttle is switched on until the share is back under the quota.
 *
 * <p>Single-threaded: {@link #doWork} is called by one thread at a time (an agent's duty cycle,
 * unit-tested with a hand-driven clock).
 */
public final class QuotaWatchdog {
    /** How often a node's watchdog looks. */
    public static final long PERIOD_MS = 50;

    /** Carries out a violation: stops the process and reports it. Called on the watchdog's thread; must not block. */
    @FunctionalInterface
    public interface Enforcer {
        void onExceeded(QuotaAccount account, QuotaViolation violation);
    }

    private final long defaultHandlerMs;
    private final Enforcer enforcer;

    /** @param defaultHandlerMs the node's handler limit for processes that set none ({@code --handler-timeout}) */
    public QuotaWatchdog(long defaultHandlerMs, Enforcer enforcer) {
        if (defaultHandlerMs < 1) {
            throw new IllegalArgumentException("handler timeout must be positive");
        }
        this.defaultHandlerMs = defaultHandlerMs;
        this.enforcer = enforcer;
    }

    public long defaultHandlerMs() {
        return defaultHandlerMs;
    }

    /** One look at every account, at {@code nowNs} (the clock of the accounts' probes); returns the violations found. */
    public int doWork(long nowNs, Iterable<QuotaAccount> accounts) {
        int found = 0;
        for (QuotaAccount a : accounts) {
            if (a.enforced()) {
                continue;
            }
            if (checkHandler(nowNs, a) || checkCpu(nowNs, a)) {
                found++;
            }
        }
        return found;
    }

    private boolean checkHandler(long nowNs, QuotaAccount a) {
        String doing = a.probe().busyWith();
        if (doing == null) {
            return false;
        }
        long limitMs = a.quotas().handlerMs(defaultHandlerMs);
        long ranNs = nowNs - a.probe().busySinceNs();
        if (ranNs <= TimeUnit.MILLISECONDS.toNanos(limitMs)) {
            return false;
        }
        return enforce(a, new QuotaViolation(QuotaViolation.Kind.HANDLER, "handler time quota " + limitMs + " ms exceeded ("
                + doing + " has run " + TimeUnit.NANOSECONDS.toMillis(ranNs) + " ms)"));
    }

    private boolean checkCpu(long nowNs, QuotaAccount a) {
        int quota = a.quotas().cpuPercent();
        if (quota <= 0) {
            return false;
        }
        long cpuNs = a.probe().threadCpuNs();
        if (cpuNs < 0) {
            return false;
        }
        a.cpu.record(nowNs, cpuNs);
        if (!a.cpu.full()) {
            return false;
        }
        double pct = a.cpu.percent();
        a.cpuPercent(pct);
        if (pct <= quota) {
            a.cpuThrottled(false);
            return false;
        }
        if (a.quotas().policy() == ProcessQuotas.Policy.THROTTLE) {
            a.cpuThrottled(true);
            return false;
        }
        return enforce(a, new QuotaViolation(QuotaViolation.Kind.CPU, String.format(Locale.ROOT,
                "CPU quota %d%% exceeded (%.0f%% over %.1f s)", quota, pct, a.cpu.spanNs() / 1e9)));
    }

    private boolean enforce(QuotaAccount a, QuotaViolation v) {
        if (!a.markEnforced(v)) {
            return false;
        }
        enforcer.onExceeded(a, v);
        return true;
    }
}
