package dev.caravan.node;

import dev.caravan.wire.command.Reply;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replies to a process's most recent deduplicated requests, keyed by (clientId,
 * requestId), so that a client's retry of a request that did execute gets the same reply
 * instead of executing twice. Bounded; thread-safe.
 *
 * <p>Known limit: the table lives in the node, so a retry reaching the process after it moved
 * to another node is not deduplicated.
 */
final class RecentReplies {
    private record Key(long clientId, long requestId) {
    }

    private final Map<Key, Reply> replies;

    RecentReplies(int capacity) {
        this.replies = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Reply> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized Reply get(long clientId, long requestId) {
        return replies.get(new Key(clientId, requestId));
    }

    synchronized void put(long clientId, long requestId, Reply reply) {
        replies.put(new Key(clientId, requestId), reply);
    }
}
