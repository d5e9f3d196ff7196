package dev.caravan.node;

import java.util.Iterator;
import java.util.LinkedHashSet;

/**
 * Linked sessions a process disconnected ({@code CLIENT KILL}) whose forwarder has not been
 * told yet: it is, when it next sends a batch for one of them. Bounded: past {@code capacity}
 * the oldest is forgotten (its forwarder's client then starts a fresh session, like a client
 * that reconnected). Thread-safe.
 */
final class KilledSessions {
    private final int capacity;
    private final LinkedHashSet<Long> ids = new LinkedHashSet<>();
    /** {@code ids.size()}, readable without the lock: {@link #contains} runs on every linked batch. */
    private volatile int size;

    KilledSessions(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(long sessionId) {
        if (ids.add(sessionId) && ids.size() > capacity) {
            Iterator<Long> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
        size = ids.size();
    }

    boolean contains(long sessionId) {
        if (size == 0) {
            return false;
        }
        synchronized (this) {
            return ids.contains(sessionId);
        }
    }

    synchronized void remove(long sessionId) {
        if (size > 0) {
            ids.remove(sessionId);
            size = ids.size();
        }
    }
}
