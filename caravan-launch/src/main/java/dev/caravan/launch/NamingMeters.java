package dev.caravan.launch;

import dev.caravan.naming.LocalNamingService;
import dev.caravan.naming.NamingServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * The naming daemon's meters (see docs/operating.md, "Metrics"): live leases, entries, watches, and
 * requests by op. Gauges and counters read the service at scrape time; nothing is added to the
 * request path but a counter increment per request. Thread-safe.
 */
final class NamingMeters {
    /** Ops counted from the start, so that their series exist (at 0) before the first request. */
    private static final List<String> OPS = List.of("ping", "open-lease", "renew-lease", "close-lease", "register",
            "unregister", "lookup", "list", "watch", "unwatch", "other");

    private NamingMeters() {
    }

    static void register(MeterRegistry registry, LocalNamingService service, NamingServer server) {
        Gauge.builder("caravan.naming.leases", service, LocalNamingService::leaseCount)
                .description("Live leases (one per node and switch)").register(registry);
        Gauge.builder("caravan.naming.entries", service, LocalNamingService::entryCount)
                .description("Registered entries (nodes, processes, bundles, switches)").register(registry);
        Gauge.builder("caravan.naming.watches", service, LocalNamingService::watchCount)
                .description("Open watches (prefix subscriptions)").register(registry);
        for (String op : OPS) {
            FunctionCounter.builder("caravan.naming.requests", server, s -> s.requestCounts().getOrDefault(op, 0L))
                    .description("Requests received, by op").tag("op", op).register(registry);
        }
    }
}
