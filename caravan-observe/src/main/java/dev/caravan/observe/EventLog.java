package dev.caravan.observe;

import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A daemon's events: the last {@code capacity} kept in a ring, every new one handed to the live
 * subscriptions (watchers: {@code caravan events --watch}, the dashboard). Publishing never blocks:
 * a subscription that falls {@link Subscription#CAPACITY} events behind is ended as
 * {@link Subscription#overflowed() overflowed}, and its watcher resumes from the ring with
 * {@link #subscribe(long)} at the last sequence number it saw.
 *
 * <p>Thread-safe: any thread may publish, read and subscribe.
 */
public final class EventLog {
    /** Events kept per daemon unless told otherwise. */
    public static final int DEFAULT_CAPACITY = 2048;

    private final String source;
    private final int capacity;
    private final InstantSource clock;
    private final ArrayDeque<Event> ring;
    private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private long lastSeq;
    /** Fields every event about a subject carries (e.g. a process's slice); never null. */
    private volatile java.util.function.Function<String, Map<String, String>> subjectFields = subject -> Map.of();

    /**
     * @param source   the daemon's name in every event (a node id, {@code naming}, {@code switch/<id>})
     * @param capacity events kept, at least 1
     * @param clock    the wall clock events are stamped with
     */
    public EventLog(String source, int capacity, InstantSource clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.source = Objects.requireNonNull(source, "source");
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ring = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    public EventLog(String source) {
        this(source, DEFAULT_CAPACITY, InstantSource.system());
    }

    public String source() {
        return source;
    }

    /**
     * Adds to every event published from now on the fields {@code bySubject} gives for its subject
     * (e.g. {@code slice} of a process, so that a tenant's reader can be shown its slice's events only),
     * unless the publisher set them itself. {@code bySubject} is called on the publishing thread and
     * must be quick, never null, and never throw.
     */
    public void tagSubjects(java.util.function.Function<String, Map<String, String>> bySubject) {
        this.subjectFields = Objects.requireNonNull(bySubject, "bySubject");
    }

    /** Records an event and hands it to every subscription; returns it. */
    public Event publish(EventKind kind, String subject, String message, Map<String, String> fields) {
        Map<String, String> tags = subjectFields.apply(subject);
        if (!tags.isEmpty()) {
            Map<String, String> all = new java.util.LinkedHashMap<>(fields);
            tags.forEach(all::putIfAbsent);
            fields = all;
        }
        Event e;
        synchronized (ring) {
            e = new Event(++lastSeq, clock.millis(), source, kind, subject, message, fields);
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(e);
            for (Subscription s : subscriptions) {
                s.offer(e);
            }
        }
        return e;
    }

    public Event publish(EventKind kind, String subject, String message) {
        return publish(kind, subject, message, Map.of());
    }

    /** The kept events after sequence number {@code afterSeq} (0: all kept), oldest first. */
    public List<Event> since(long afterSeq) {
        synchronized (ring) {
            List<Event> out = new ArrayList<>();
            for (Event e : ring) {
                if (e.seq() > afterSeq) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    /** The last {@code limit} kept events about {@code subject}, oldest first. */
    public List<Event> about(String subject, int limit) {
        synchronized (ring) {
            ArrayDeque<Event> out = new ArrayDeque<>();
            for (Event e : ring) {
                if (e.subject().equals(subject)) {
                    if (out.size() == limit) {
                        out.removeFirst();
                    }
                    out.addLast(e);
                }
            }
            return List.copyOf(out);
        }
    }

    /** The sequence number of the last event published (0 before the first). */
    public long lastSeq() {
        synchronized (ring) {
            return lastSeq;
        }
    }

    /**
     * A live subscription that first yields the kept events after {@code afterSeq}, then every new
     * one. Close it when done.
     */
    public Subscription subscribe(long afterSeq) {
        synchronized (ring) {
            Subscription s = new Subscription(subscriptions::remove);
            for (Event e : ring) {
                if (e.seq() > afterSeq) {
                    s.offer(e);
                }
            }
            subscriptions.add(s);
            return s;
        }
    }

    /** Live subscriptions (for tests and metrics). */
    public int subscriptionCount() {
        return subscriptions.size();
    }
}
