package dev.caravan.systemtests.faults;

import dev.caravan.naming.NamingEvent;
import dev.caravan.naming.NamingService;
import dev.caravan.naming.Watch;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * When naming let entries go, as the test JVM sees it: a watch on every entry notes the
 * {@link System#nanoTime()} of the first REMOVED event of each of the names given. On ZooKeeper
 * naming that is when the server ended the holder's session (its ephemeral znodes deleted), seen
 * through the test JVM's own session; on the embedded daemon, when it expired the lease. Closing
 * stops the watch. Thread-safe.
 */
final class VanishClock implements AutoCloseable {
    private final Set<String> names;
    private final Map<String, Long> removedNs = new ConcurrentHashMap<>();
    private final Watch watch;

    VanishClock(NamingService naming, Set<String> names) {
        this.names = Set.copyOf(names);
        this.watch = naming.watch("", (NamingEvent e) -> {
            if (e.kind() == NamingEvent.Kind.REMOVED && this.names.contains(e.entry().name())) {
                removedNs.putIfAbsent(e.entry().name(), System.nanoTime());
            }
        });
    }

    /**
     * Waits until every name was removed; the earliest removal's time in ms after {@code sinceNs}
     * (the moment another node could first take over any of them).
     */
    long awaitAllGoneMs(long sinceNs, Duration within) {
        await("naming removes " + names).atMost(within.toMillis(), TimeUnit.MILLISECONDS).pollInterval(Duration.ofMillis(20))
                .until(() -> removedNs.keySet().containsAll(names));
        long first = removedNs.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        return TimeUnit.NANOSECONDS.toMillis(first - sinceNs);
    }

    /** Each name's removal, ms after {@code sinceNs}, for messages. */
    Map<String, Long> removedMs(long sinceNs) {
        Map<String, Long> out = new java.util.TreeMap<>();
        removedNs.forEach((n, t) -> out.put(n, TimeUnit.NANOSECONDS.toMillis(t - sinceNs)));
        return out;
    }

    @Override
    public void close() {
        watch.close();
    }
}
