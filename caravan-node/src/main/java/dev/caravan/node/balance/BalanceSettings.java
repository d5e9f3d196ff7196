package dev.caravan.node.balance;

import dev.caravan.wire.ErrorCode;

/**
 * A node balancer's configuration, validated on construction (before any thread starts).
 *
 * @param mode              off, push, pull or both
 * @param metric            the load it balances by
 * @param high              above this load (fraction, exclusive) a node is overloaded: it pushes, and lets itself be pulled from
 * @param low               below this load (fraction, exclusive) a node is idle: it pulls, and may be pushed to; {@code low < high}
 *                          (the gap is the hysteresis band, where a node does nothing)
 * @param probes            how many random other nodes a decision probes at most (the probe limit), 1..32
 * @param periodMs          how often the balancer samples the load and decides, 100..60000 ms
 * @param cooldownMs        a process that moved (in or out) is not moved again by a balancer for this long, 0..3600000 ms
 * @param rateCapacityPerSec commands per second that count as a full node for {@link LoadMetric#RATE}, at least 1
 */
public record BalanceSettings(BalanceMode mode, LoadMetric metric, double high, double low, int probes, long periodMs,
                              long cooldownMs, long rateCapacityPerSec) {
    /** Balancing off, with the documented defaults for everything else. */
    public static final BalanceSettings DEFAULTS = new BalanceSettings(BalanceMode.OFF, LoadMetric.CPU, 0.8, 0.3, 3, 1000,
            30_000, 10_000);

    public BalanceSettings {
        if (!(low > 0 && low < high && high <= 10)) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--balance-low must be above 0 and below --balance-high (at most 10), got low "
                    + low + ", high " + high);
        }
        if (probes < 1 || probes > 32) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--balance-probes must be 1..32, got " + probes);
        }
        if (periodMs < 100 || periodMs > 60_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--balance-period must be 100ms..60s, got " + periodMs + " ms");
        }
        if (cooldownMs < 0 || cooldownMs > 3_600_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--balance-cooldown must be 0..1h, got " + cooldownMs + " ms");
        }
        if (rateCapacityPerSec < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--balance-rate-capacity must be at least 1 command/s, got "
                    + rateCapacityPerSec);
        }
    }

    /** The same settings in another mode. */
    public BalanceSettings withMode(BalanceMode m) {
        return new BalanceSettings(m, metric, high, low, probes, periodMs, cooldownMs, rateCapacityPerSec);
    }
}
