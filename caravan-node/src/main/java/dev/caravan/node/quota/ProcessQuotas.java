package dev.caravan.node.quota;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.SecuritySettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One process's quotas, read from its {@link dev.caravan.wire.node.ProcessSpec#config()} under the
 * keys of {@link SecuritySettings} (so they travel with every migration, clone and checkpoint).
 * A quota of 0 means none. Immutable.
 *
 * <pre>
 *   quota.cpu-percent         1..100   share of one core its thread may use, over a 1 s window
 *   quota.connections         1..      client connections open at once on its data endpoint
 *   quota.requests-per-second 1..      commands per second over all its connections (token bucket, burst = 1 s)
 *   quota.handler-ms          1..      longest one request may run in a handler (0: the node's --handler-timeout)
 *   quota.policy              stop | throttle   (default stop; the handler watchdog always stops)
 * </pre>
 *
 * @param cpuPercent        share of one core, 0 for none
 * @param connections       open connections, 0 for none
 * @param requestsPerSecond commands per second, 0 for none
 * @param handlerMs         handler time limit in ms, 0 for the node's default
 * @param policy            what happens at the CPU and request-rate quotas
 */
public record ProcessQuotas(int cpuPercent, int connections, int requestsPerSecond, long handlerMs, Policy policy) {
    /** No quota at all; the node's default handler limit. */
    public static final ProcessQuotas NONE = new ProcessQuotas(0, 0, 0, 0, Policy.STOP);

    /** What happens when a process goes over its CPU or request-rate quota. */
    public enum Policy {
        /** The process is stopped (unregistered, its clients answered with an error) and reported. */
        STOP,
        /** The process is slowed down until back under: its thread parks between requests, its reading pauses. */
        THROTTLE;

        /** {@code stop} or {@code throttle}. */
        public String cliName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ProcessQuotas {
        if (cpuPercent < 0 || cpuPercent > 100) {
            throw ErrorCode.INVALID_ARGUMENT.exception(SecuritySettings.QUOTA_CPU_PERCENT + " must be 1..100, got " + cpuPercent);
        }
        if (connections < 0 || requestsPerSecond < 0 || handlerMs < 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("quotas must be positive");
        }
        java.util.Objects.requireNonNull(policy, "policy");
    }

    /**
     * The quotas a process's settings give.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming the key when a value is not a valid number or policy
     */
    public static ProcessQuotas from(Map<String, String> config) {
        String policy = config.getOrDefault(SecuritySettings.QUOTA_POLICY, "stop");
        Policy p = switch (policy) {
            case "stop" -> Policy.STOP;
            case "throttle" -> Policy.THROTTLE;
            default -> throw ErrorCode.INVALID_ARGUMENT.exception(SecuritySettings.QUOTA_POLICY + " must be stop or throttle, not '"
                    + policy + "'");
        };
        return new ProcessQuotas((int) number(config, SecuritySettings.QUOTA_CPU_PERCENT, 100),
                (int) number(config, SecuritySettings.QUOTA_CONNECTIONS, Integer.MAX_VALUE),
                (int) number(config, SecuritySettings.QUOTA_REQUESTS_PER_SECOND, Integer.MAX_VALUE),
                number(config, SecuritySettings.QUOTA_HANDLER_MS, 86_400_000L), p);
    }

    private static long number(Map<String, String> config, String key, long max) {
        String v = config.get(key);
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1 || n > max) {
                throw ErrorCode.INVALID_ARGUMENT.exception(key + " must be 1.." + max + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception(key + " must be a whole number, got '" + v + "'");
        }
    }

    /** Whether any quota (other than the node's default handler limit) is set. */
    public boolean any() {
        return cpuPercent > 0 || connections > 0 || requestsPerSecond > 0 || handlerMs > 0;
    }

    /** The handler limit in force: this process's, else the node's {@code defaultHandlerMs}. */
    public long handlerMs(long defaultHandlerMs) {
        return handlerMs > 0 ? handlerMs : defaultHandlerMs;
    }

    /** For {@code describe}: "cpu=50%, connections=100, rps=1000, handler=2000ms, policy=stop" (only those set). */
    public Map<String, String> describe(long defaultHandlerMs) {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("cpu", cpuPercent > 0 ? cpuPercent + "%" : "-");
        d.put("connections", connections > 0 ? String.valueOf(connections) : "-");
        d.put("rps", requestsPerSecond > 0 ? String.valueOf(requestsPerSecond) : "-");
        d.put("handler", handlerMs(defaultHandlerMs) + "ms" + (handlerMs > 0 ? "" : " (node default)"));
        d.put("policy", policy.cliName());
        return d;
    }
}
