package dev.caravan.servers.state;

import dev.caravan.core.time.Clock;
import dev.caravan.servers.line.LineHandler;
import dev.caravan.servers.line.LineProtocol;
import dev.caravan.wire.ErrorCode;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A soft-state server: who subscribes to which topic, each entry held by a lease that the
 * subscriber renews by subscribing again.
 *
 * <pre>
 * SUBSCRIBE &lt;topic&gt; &lt;subscriber&gt;  → OK &lt;leaseMs&gt;             (creates or renews)
 * LIST &lt;topic&gt;                  → SUBSCRIBERS [name ...]    (live entries, sorted)
 * </pre>
 *
 * <p>An entry not renewed within {@code leaseMs} (read from the injected {@link Clock}) is
 * dropped. Losing the whole table (a restart) costs only performance: until each subscriber's
 * next renewal the topic looks smaller, after it the table is whole again; no client sees an
 * error, nobody has to repair anything. Contrast {@link SessionCounterServer}.
 *
 * <p>Threading: thread-safe; expiry happens on reads and in {@link #expire()}.
 */
public final class SubscriptionRegistry implements LineHandler {
    private final Clock clock;
    private final long leaseMs;
    private final Map<String, ConcurrentSkipListMap<String, Long>> topics = new ConcurrentHashMap<>();

    public SubscriptionRegistry(Clock clock, long leaseMs) {
        if (leaseMs < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("leaseMs must be positive, got " + leaseMs);
        }
        this.clock = clock;
        this.leaseMs = leaseMs;
    }

    public LineProtocol asProtocol() {
        return new LineProtocol("subscriptions", this);
    }

    @Override
    public String onLine(String line) {
        String[] f = line.trim().split("\\s+");
        switch (f[0]) {
            case "SUBSCRIBE" -> {
                String[] a = StateArgs.fields(line, 3, "SUBSCRIBE <topic> <subscriber>");
                topics.computeIfAbsent(a[1], t -> new ConcurrentSkipListMap<>()).put(a[2], clock.nowMs() + leaseMs);
                return "OK " + leaseMs;
            }
            case "LIST" -> {
                String topic = StateArgs.fields(line, 2, "LIST <topic>")[1];
                expire();
                StringBuilder sb = new StringBuilder("SUBSCRIBERS");
                ConcurrentSkipListMap<String, Long> subs = topics.get(topic);
                if (subs != null) {
                    subs.keySet().forEach(s -> sb.append(' ').append(s));
                }
                return sb.toString();
            }
            default -> throw ErrorCode.UNKNOWN_OPERATION.exception("unknown operation '" + f[0] + "'");
        }
    }

    /** Drops entries whose lease ran out. @return how many */
    public int expire() {
        long now = clock.nowMs();
        int n = 0;
        for (ConcurrentSkipListMap<String, Long> subs : topics.values()) {
            for (Map.Entry<String, Long> e : subs.entrySet()) {
                if (e.getValue() <= now && subs.remove(e.getKey(), e.getValue())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Live entries across all topics (after {@link #expire()}). */
    public int size() {
        expire();
        return topics.values().stream().mapToInt(Map::size).sum();
    }
}
