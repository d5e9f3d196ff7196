package dev.caravan.migration;

import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.MigrationMessages.RecentReply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replies to a process's most recent deduplicated requests, keyed by (clientId,
 * requestId), so that a client's retry of a request that did execute gets the same reply
 * instead of executing twice. It is part of the process's state: a migration, clone or
 * checkpoint carries it ({@link #snapshot} at the source while the process is frozen,
 * {@link #restore} at the destination before it takes commands). Bounded; thread-safe.
 */
public final class RecentReplies {
    /** Entries kept per process. */
    public static final int DEFAULT_CAPACITY = 16 * 1024;

    private record Key(long clientId, long requestId) {
    }

    private final int capacity;
    private final Map<Key, Reply> replies;

    public RecentReplies(int capacity) {
        this.capacity = capacity;
        this.replies = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Reply> eldest) {
                return size() > RecentReplies.this.capacity;
            }
        };
    }

    /** The reply remembered for this request, or null; requestId 0 is never deduplicated. */
    public synchronized Reply get(long clientId, long requestId) {
        return requestId == 0 ? null : replies.get(new Key(clientId, requestId));
    }

    public synchronized void put(long clientId, long requestId, Reply reply) {
        if (requestId != 0) {
            replies.put(new Key(clientId, requestId), reply);
        }
    }

    /** Every entry, oldest first. */
    public synchronized List<RecentReply> snapshot() {
        List<RecentReply> out = new ArrayList<>(replies.size());
        replies.forEach((k, v) -> out.add(new RecentReply(k.clientId(), k.requestId(), v)));
        return out;
    }

    /** Adds entries that arrived with the process, oldest first. */
    public synchronized void restore(List<RecentReply> entries) {
        for (RecentReply r : entries) {
            replies.put(new Key(r.clientId(), r.requestId()), r.reply());
        }
    }

    public synchronized int size() {
        return replies.size();
    }
}
