package dev.caravan.servers.superserver;

import dev.caravan.core.time.Clock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The chapter's superserver (inetd): listens on the ports of many services, starts a service
 * on its first connection, hands it that connection and every later one, and stops it after it
 * has had no connection for its idle timeout.
 *
 * <pre>
 *  client ──connect──► superserver listener (port of "crc")
 *                        │ first connection: start crc (in-process server, or child JVM)
 *                        └─ adopt(connection) ──► crc serves it directly (child JVM: the
 *                                                 descriptor itself is passed, SCM_RIGHTS)
 *  {@link #reapIdle()}: a service with no connections for idle-ms is stopped; the next
 *  connection starts it again.
 * </pre>
 *
 * <p>Threading: one platform thread per listener accepts; {@link #reapIdle()} runs on a reaper
 * thread (or a test's thread); slots are synchronized. Time comes from the injected clock.
 */
public final class Superserver implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Superserver.class.getName());

    private final Map<String, ServiceSlot> slots = new LinkedHashMap<>();
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Consumer<String> events;
    private volatile boolean closed;

    /**
     * Binds every service's port (all or nothing), then starts accepting.
     *
     * @param host   address to listen on
     * @param events receives one line per start, hand-off and stop (logs, tests)
     */
    public Superserver(List<ServiceSpec> specs, String host, Clock clock, Consumer<String> events) throws IOException {
        this.events = events;
        try {
            for (ServiceSpec s : specs) {
                ServerSocketChannel ch = ServerSocketChannel.open();
                listeners.add(ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(host, s.port()), 256);
                slots.put(s.name(), new ServiceSlot(s, clock, events));
            }
        } catch (IOException | RuntimeException e) {
            listeners.forEach(Superserver::closeQuietly);
            throw e;
        }
        int i = 0;
        for (ServiceSlot slot : slots.values()) {
            ServerSocketChannel ch = listeners.get(i++);
            Thread t = Thread.ofPlatform().daemon(true).name("superserver-" + slot.spec().name()).start(() -> acceptLoop(ch, slot));
            threads.add(t);
        }
    }

    private void acceptLoop(ServerSocketChannel ch, ServiceSlot slot) {
        while (!closed) {
            try {
                SocketChannel c = ch.accept();
                try {
                    slot.handOff(c);
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "service " + slot.spec().name() + " could not take a connection: " + e);
                    events.accept("failed " + slot.spec().name() + ": " + e.getMessage());
                    closeQuietly(c);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "superserver accept failed: " + e);
                }
            }
        }
    }

    /** Starts a thread that calls {@link #reapIdle()} every {@code periodMs}. */
    public void startReaper(long periodMs) {
        Thread t = Thread.ofPlatform().daemon(true).name("superserver-reaper").start(() -> {
            while (!closed) {
                try {
                    Thread.sleep(periodMs); // a period, not synchronisation
                    reapIdle();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        threads.add(t);
    }

    /** Stops every service idle for at least its timeout; returns how many were stopped. */
    public int reapIdle() {
        int n = 0;
        for (ServiceSlot s : slots.values()) {
            if (s.stopIfIdle()) {
                n++;
            }
        }
        return n;
    }

    /** The port a service listens on. */
    public int port(String service) {
        int i = new ArrayList<>(slots.keySet()).indexOf(service);
        if (i < 0) {
            throw dev.caravan.wire.ErrorCode.NOT_FOUND.exception("no service " + service);
        }
        try {
            return ((InetSocketAddress) listeners.get(i).getLocalAddress()).getPort();
        } catch (IOException e) {
            throw dev.caravan.wire.ErrorCode.UNAVAILABLE.exception("listener of " + service + " is closed");
        }
    }

    /** Stops a service now (the next connection starts it again). */
    public void stop(String service) {
        ServiceSlot s = slots.get(service);
        if (s != null) {
            s.stop();
        }
    }

    /** Whether a service is running now. */
    public boolean running(String service) {
        ServiceSlot s = slots.get(service);
        return s != null && s.running();
    }

    /** Where a running service runs ("in-process", "pid 123"), or null. */
    public String where(String service) {
        ServiceSlot s = slots.get(service);
        return s == null ? null : s.where();
    }

    @Override
    public void close() {
        closed = true;
        listeners.forEach(Superserver::closeQuietly);
        threads.forEach(Thread::interrupt);
        slots.values().forEach(ServiceSlot::stop);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
