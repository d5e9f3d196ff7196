package dev.caravan.node.balance;

import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.node.LoadReport;

import java.util.Locale;

/** What a balancer calls load: each a fraction of the node's capacity (1.0 = full). */
public enum LoadMetric {
    /** The node JVM's CPU use as a fraction of the machine. */
    CPU,
    /** Reserved paged memory as a fraction of the node's process-memory capacity. */
    MEMORY,
    /** Commands served per second as a fraction of the node's rate capacity ({@code --balance-rate-capacity}). */
    RATE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** This metric's load in {@code report} as a fraction; negative when the node does not know it. */
    public double of(LoadReport report) {
        int permille = switch (this) {
            case CPU -> report.cpuPermille();
            case MEMORY -> report.memoryPermille();
            case RATE -> report.ratePermille();
        };
        return permille < 0 ? -1 : permille / 1000.0;
    }

    /**
     * The metric named {@code value} (cpu, memory, rate; any case).
     *
     * @throws dev.caravan.wire.CaravanException INVALID_ARGUMENT for any other value
     */
    public static LoadMetric parse(String value) {
        for (LoadMetric m : values()) {
            if (m.label().equalsIgnoreCase(value.trim())) {
                return m;
            }
        }
        throw ErrorCode.INVALID_ARGUMENT.exception("--balance-metric must be cpu, memory or rate, got '" + value + "'");
    }
}
