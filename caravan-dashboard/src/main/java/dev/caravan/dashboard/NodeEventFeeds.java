package dev.caravan.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.observe.Event;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Follows the event streams of the nodes' admin ports ({@code GET /events?watch=true}, server-sent
 * events, the format of {@link Event}): one virtual thread per admin address, which reconnects
 * after a second when the stream breaks and resumes with {@code Last-Event-ID}. Each event goes to
 * {@code sink} (on the feed's thread) and into a ring of the cluster's last {@value #KEEP} events.
 * Thread-safe.
 */
public final class NodeEventFeeds implements AutoCloseable {
    static final int KEEP = 100;
    private static final System.Logger LOG = System.getLogger(NodeEventFeeds.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The dashboard's transport: https with its (admin) certificate on a TLS cluster. */
    private final dev.caravan.wire.security.TransportSecurity security = dev.caravan.wire.net.ClientTransport.current();
    private final HttpClient http = dev.caravan.observe.AdminTls.client(security, Duration.ofSeconds(2));
    private final String token;
    private final Consumer<Event> sink;
    private final Map<String, Thread> feeds = new ConcurrentHashMap<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    private volatile boolean closed;

    /** @param token the cluster token ("" for none), sent as {@code Authorization: Bearer} */
    public NodeEventFeeds(String token, Consumer<Event> sink) {
        this.token = token;
        this.sink = sink;
    }

    /** Follows exactly the admin ports {@code admins} (host:port) from now on. */
    public void follow(Set<String> admins) {
        if (closed) {
            return;
        }
        for (String a : admins) {
            // Registered before it starts: a feed runs while it is the one registered for its address.
            Thread[] started = new Thread[1];
            feeds.computeIfAbsent(a, addr -> started[0] = Thread.ofVirtual().name("events-" + addr).unstarted(() -> read(addr)));
            if (started[0] != null) {
                started[0].start();
            }
        }
        feeds.entrySet().removeIf(e -> {
            if (admins.contains(e.getKey())) {
                return false;
            }
            e.getValue().interrupt();
            return true;
        });
    }

    private void read(String admin) {
        Thread me = Thread.currentThread();
        long lastSeq = 0;
        while (!closed && feeds.get(admin) == me) {
            HttpRequest.Builder req = HttpRequest.newBuilder(dev.caravan.observe.AdminTls.uri(security, admin, "/events?watch=true&since=" + lastSeq))
                    .GET();
            if (!token.isEmpty()) {
                req.header("Authorization", "Bearer " + token);
            }
            try {
                HttpResponse<Stream<String>> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofLines());
                if (resp.statusCode() != 200) {
                    resp.body().close();
                    LOG.log(System.Logger.Level.DEBUG, "events of " + admin + ": HTTP " + resp.statusCode());
                } else {
                    try (Stream<String> lines = resp.body()) {
                        for (String line : (Iterable<String>) lines::iterator) {
                            if (closed || feeds.get(admin) != me) {
                                return;
                            }
                            if (line.startsWith("data: ")) {
                                Event e = parse(line.substring("data: ".length()));
                                if (e != null) {
                                    lastSeq = e.seq();
                                    remember(e);
                                    sink.accept(e);
                                }
                            }
                        }
                    }
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "events of " + admin + ": " + e);
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(1000); // back-off before reconnecting, not synchronization
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Event parse(String json) {
        try {
            return Event.fromJson(JSON.readValue(json, Map.class));
        } catch (IOException | IllegalArgumentException e) {
            return null; // An overflow notice or a line of a newer format: not an event this version reads.
        }
    }

    private synchronized void remember(Event e) {
        recent.addLast(e);
        while (recent.size() > KEEP) {
            recent.removeFirst();
        }
    }

    /** The cluster's last events, in the order they arrived. */
    public synchronized List<Event> recent() {
        return List.copyOf(recent);
    }

    @Override
    public void close() {
        closed = true;
        feeds.values().forEach(Thread::interrupt);
        feeds.clear();
        http.shutdownNow();
    }
}
