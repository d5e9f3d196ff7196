package dev.caravan.node.quota;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.SecuritySettings;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text form of quotas on command lines: {@code caravan deploy --quota cpu=50%,connections=100,
 * rps=1000,handler=2s} (one option with commas, or several) and {@code --quota-policy stop|throttle},
 * turned into the {@link SecuritySettings} keys a process carries. Durations: a number with a unit
 * ({@code ms}, {@code s}, {@code m}), bare numbers are ms.
 */
public final class QuotaSpec {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

    private QuotaSpec() {
    }

    /**
     * The settings of {@code specs} (each {@code NAME=VALUE[,NAME=VALUE...]}) and {@code policy} (null: not set).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming what is wrong: an unknown quota, a bad value
     */
    public static Map<String, String> settings(Iterable<String> specs, String policy) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String spec : specs) {
            for (String part : spec.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                if (eq <= 0) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("--quota: '" + p + "' is not NAME=VALUE (cpu=50%, connections=100,"
                            + " rps=1000, handler=2s)");
                }
                String name = p.substring(0, eq).trim();
                String value = p.substring(eq + 1).trim();
                if (value.isEmpty()) {
                    throw ErrorCode.INVALID_ARGUMENT.exception("--quota: '" + name + "' needs a value (" + name + "=VALUE, e.g."
                            + " cpu=50%, connections=100, rps=1000, handler=2s)");
                }
                switch (name) {
                    case "cpu" -> out.put(SecuritySettings.QUOTA_CPU_PERCENT, value.endsWith("%")
                            ? value.substring(0, value.length() - 1) : value);
                    case "connections" -> out.put(SecuritySettings.QUOTA_CONNECTIONS, value);
                    case "rps" -> out.put(SecuritySettings.QUOTA_REQUESTS_PER_SECOND, value);
                    case "handler" -> out.put(SecuritySettings.QUOTA_HANDLER_MS, String.valueOf(durationMs("--quota handler", value)));
                    default -> throw ErrorCode.INVALID_ARGUMENT.exception("--quota: unknown quota '" + name
                            + "'; known: cpu, connections, rps, handler (memory is --memory)");
                }
            }
        }
        if (policy != null) {
            out.put(SecuritySettings.QUOTA_POLICY, policy);
        }
        ProcessQuotas.from(out); // every value checked here, before anything is deployed
        return out;
    }

    /**
     * A duration such as {@code 2s}, {@code 500ms}, {@code 1m}; a bare number is ms.
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT naming {@code option}
     */
    public static long durationMs(String option, String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception(option + ": '" + value + "' is not a duration such as 2s, 500ms or 1m");
        }
        long n = Long.parseLong(m.group(1));
        long ms = switch (m.group(2) == null ? "ms" : m.group(2)) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n;
        };
        if (ms < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception(option + ": must be at least 1 ms");
        }
        return ms;
    }
}
