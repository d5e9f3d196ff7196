package dev.caravan.cli.commands.observe;

import dev.caravan.client.CaravanClient;
import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.Watch;
import dev.caravan.observe.Event;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The events of every daemon of a cluster, merged: read once ({@link #snapshot}) or followed live
 * ({@link #follow}: one server-sent-event stream per admin port, and a naming watch that starts a
 * stream for every node that joins). A daemon whose admin port does not answer is skipped and
 * reported to {@code onProblem}. A followed stream that breaks while its daemon is still
 * registered resumes with {@code Last-Event-ID}; a server's {@code overflow} is reported to
 * {@code onProblem} and resumed the same way ({@link DaemonEventStream}). Thread-safe; {@link #close} ends every stream.
 */
public final class EventStreams implements AutoCloseable {
    /** Events in time order; ties by source and sequence number. */
    public static final Comparator<Event> BY_TIME = Comparator.comparingLong(Event::timeMs).thenComparing(Event::source)
            .thenComparingLong(Event::seq);

    private final CaravanClient client;
    private final AdminClient admin;
    private final Consumer<String> onProblem;
    private final Set<String> following = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<DaemonEventStream> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Watch watch;
    private volatile boolean closed;

    public EventStreams(CaravanClient client, AdminClient admin, Consumer<String> onProblem) {
        this.client = client;
        this.admin = admin;
        this.onProblem = onProblem;
    }

    /** The kept events of every daemon after {@code since} (per daemon) that pass {@code filter}, in time order. */
    public List<Event> snapshot(long since, String subject, Predicate<Event> filter) {
        List<Event> all = new ArrayList<>();
        for (Map.Entry<String, String> d : AdminClient.daemons(client).entrySet()) {
            try {
                admin.events(d.getValue(), since, subject).stream().filter(filter).forEach(all::add);
            } catch (RuntimeException e) {
                onProblem.accept(d.getKey() + ": " + e.getMessage());
            }
        }
        all.sort(BY_TIME);
        return all;
    }

    /**
     * Prints nothing itself: hands {@code sink} first the kept events of every daemon after
     * {@code since} (per daemon; 0: everything kept), merged in time order ({@link #BY_TIME}), then
     * every event published from then on, from every daemon, including nodes that join later (those
     * from {@code since}). Live events come as they arrive. {@code sink} is called from several
     * threads, one at a time.
     */
    public void follow(long since, Predicate<Event> filter, Consumer<Event> sink) {
        Consumer<Event> serial = e -> {
            if (filter.test(e)) {
                synchronized (this) {
                    sink.accept(e);
                }
            }
        };
        // The backlog: read from every daemon, merged, handed on before any stream starts.
        Map<String, String> daemons = AdminClient.daemons(client);
        Map<String, Long> after = new java.util.HashMap<>();
        List<Event> backlog = new ArrayList<>();
        for (Map.Entry<String, String> d : daemons.entrySet()) {
            try {
                List<Event> kept = admin.events(d.getValue(), since, null);
                after.put(d.getKey(), kept.stream().mapToLong(Event::seq).max().orElse(since));
                backlog.addAll(kept);
            } catch (RuntimeException e) {
                // Its stream (below) retries while it is registered, from since.
                after.put(d.getKey(), since);
            }
        }
        backlog.sort(BY_TIME);
        backlog.forEach(serial);
        watch = client.naming().watch("node/", (NamingEvent ev) -> {
            String a = ev.entry().attributes().get("admin");
            if (ev.kind() == NamingEvent.Kind.PUT && a != null && !a.isEmpty()) {
                String node = ev.entry().node();
                start(node, a, a.equals(daemons.get(node)) ? after.getOrDefault(node, since) : since, serial);
            }
        });
        daemons.forEach((name, a) -> start(name, a, after.getOrDefault(name, since), serial));
    }

    private void start(String name, String adminAddress, long since, Consumer<Event> sink) {
        if (closed || !following.add(name + "@" + adminAddress)) {
            return;
        }
        DaemonEventStream stream = new DaemonEventStream(admin, name, adminAddress, since, sink, onProblem,
                () -> !closed && adminAddress.equals(AdminClient.daemons(client).get(name)));
        streams.add(stream);
        threads.add(Thread.ofVirtual().name("events-" + name).start(() -> {
            try {
                stream.run();
            } catch (RuntimeException e) {
                if (!closed) {
                    onProblem.accept(name + ": " + e.getMessage());
                }
            }
            // Gone from naming: a node that comes back re-registers and is followed anew.
            following.remove(name + "@" + adminAddress);
        }));
    }

    @Override
    public void close() {
        closed = true;
        streams.forEach(DaemonEventStream::close);
        Watch w = watch;
        if (w != null) {
            w.close();
        }
        threads.forEach(Thread::interrupt);
    }
}
