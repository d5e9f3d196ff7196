package dev.caravan.servers.superserver;

import dev.caravan.core.time.Clock;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * One configured service inside the {@link Superserver}: not running, or running as a
 * {@link ServiceInstance}. Thread-safe (synchronized); the idle clock starts when the service
 * is first seen with no connections.
 */
final class ServiceSlot {
    private final ServiceSpec spec;
    private final Clock clock;
    private final Consumer<String> events;
    private ServiceInstance instance;
    private long idleSinceNs = -1;

    ServiceSlot(ServiceSpec spec, Clock clock, Consumer<String> events) {
        this.spec = spec;
        this.clock = clock;
        this.events = events;
    }

    ServiceSpec spec() {
        return spec;
    }

    synchronized void handOff(SocketChannel ch) throws IOException {
        if (instance != null && !instance.alive()) {
            stop();
        }
        if (instance == null) {
            instance = spec.separateJvm() ? new ChildJvmService(spec) : new InProcessService(spec);
            events.accept("started " + spec.name() + " (" + spec.model().cliName() + ", " + instance.where() + ")");
        }
        idleSinceNs = -1;
        instance.adopt(ch);
        events.accept("handed a connection to " + spec.name());
    }

    synchronized boolean stopIfIdle() {
        if (instance == null) {
            return false;
        }
        int active;
        try {
            active = instance.alive() ? instance.activeConnections() : 0;
        } catch (IOException e) {
            active = 0;
        }
        long now = clock.nanoTime();
        if (active > 0) {
            idleSinceNs = -1;
            return false;
        }
        if (idleSinceNs < 0) {
            idleSinceNs = now;
        }
        if (now - idleSinceNs >= spec.idleTimeoutMs() * 1_000_000L) {
            stop();
            return true;
        }
        return false;
    }

    synchronized boolean running() {
        return instance != null && instance.alive();
    }

    synchronized String where() {
        return instance == null ? null : instance.where();
    }

    synchronized void stop() {
        if (instance != null) {
            instance.close();
            instance = null;
            idleSinceNs = -1;
            events.accept("stopped " + spec.name());
        }
    }
}
