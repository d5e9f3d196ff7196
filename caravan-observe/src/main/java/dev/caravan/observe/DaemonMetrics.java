package dev.caravan.observe;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A daemon's meters, exposed in the Prometheus text format at its admin port's {@code /metrics}.
 * Every meter carries the common tags {@code daemon} (naming, node, switch) and {@code instance_id}
 * (the node or switch id). Names follow Prometheus conventions through Micrometer's naming
 * ({@code caravan.process.commands} counted becomes {@code caravan_process_commands_total}; base
 * units: seconds, bytes). JVM meters (memory, GC, threads, classes, CPU, uptime) are bound at start.
 *
 * <p>Thread-safe (Micrometer registries are).
 */
public final class DaemonMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final java.util.List<Runnable> beforeScrape = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * @param daemon naming, node or switch
     * @param id     the daemon's id (node id, switch id, "naming")
     */
    public DaemonMetrics(String daemon, String id) {
        registry.config().commonTags(Tags.of("daemon", daemon, "instance_id", id));
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    /** Where the daemon's own meters are registered. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Runs {@code hook} before each scrape (for example to add and remove meters of things that
     * come and go); a hook that throws is ignored for that scrape. Hooks run on the scraping thread.
     */
    public void beforeScrape(Runnable hook) {
        beforeScrape.add(hook);
    }

    /** Every meter in the Prometheus text exposition format (version 0.0.4). */
    public String scrape() {
        for (Runnable hook : beforeScrape) {
            try {
                hook.run();
            } catch (RuntimeException e) {
                System.getLogger(DaemonMetrics.class.getName()).log(System.Logger.Level.WARNING, "a metrics hook failed: " + e);
            }
        }
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
