package dev.caravan.launch;

import dev.caravan.switching.BackendStatus;
import dev.caravan.switching.Frontend;
import dev.caravan.switching.SwitchDaemon;
import dev.caravan.switching.admin.SwitchAdmin;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A switch's meters (see docs/operating.md, "Metrics"): front ends, their client connections,
 * dispatches and refusals, backends up and down. They read what the switch's admin API reads
 * ({@link SwitchDaemon#frontends()}, {@link SwitchDaemon#backends}), nothing on the data path.
 * {@link #sync} runs before each scrape: it adds the meters of new front ends and removes those of
 * front ends that closed. Threading: {@link #sync} is synchronized; scrapes may run concurrently.
 */
final class SwitchMeters {
    private final MeterRegistry registry;
    private final SwitchDaemon daemon;
    private final Map<Frontend, List<Meter>> perFrontend = new HashMap<>();

    SwitchMeters(MeterRegistry registry, SwitchDaemon daemon) {
        this.registry = registry;
        this.daemon = daemon;
        Gauge.builder("caravan.switch.frontends", daemon, d -> d.frontends().size())
                .description("Front ends the switch runs").register(registry);
        for (boolean up : new boolean[] {true, false}) {
            Gauge.builder("caravan.switch.backends", daemon, d -> backends(d, up))
                    .description("Backends of all front ends' routes that health checks pass (up) or fail (down)")
                    .tag("state", up ? "up" : "down").register(registry);
        }
    }

    private static double backends(SwitchDaemon d, boolean up) {
        int n = 0;
        for (Frontend f : d.frontends()) {
            for (SwitchAdmin.RouteBackend b : d.backends(f.spec().name())) {
                BackendStatus s = b.status();
                if (s.healthy() == up) {
                    n++;
                }
            }
        }
        return n;
    }

    synchronized void sync() {
        Set<Frontend> now = new HashSet<>(daemon.frontends());
        perFrontend.entrySet().removeIf(e -> {
            if (!now.contains(e.getKey())) {
                e.getValue().forEach(registry::remove);
                return true;
            }
            return false;
        });
        for (Frontend f : now) {
            perFrontend.computeIfAbsent(f, this::register);
        }
    }

    private List<Meter> register(Frontend f) {
        Tags tags = Tags.of("frontend", f.spec().name(), "protocol", f.spec().protocol().name().toLowerCase(java.util.Locale.ROOT));
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("caravan.switch.connections", f, Frontend::clientConnections)
                .description("Client connections open on the front end").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("caravan.switch.requests", f, Frontend::dispatched)
                .description("Requests (content-aware) or connections (transport-level) dispatched").tags(tags).register(registry));
        meters.add(FunctionCounter.builder("caravan.switch.errors", f, Frontend::refused)
                .description("Dispatches refused (no backend, queue full)").tags(tags).register(registry));
        return meters;
    }
}
