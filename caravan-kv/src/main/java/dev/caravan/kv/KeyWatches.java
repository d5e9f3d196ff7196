package dev.caravan.kv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WATCH: which clients watch which keys, and the marking of those clients when a watched key
 * changes, as redis-server 7.0's {@code multi.c} does it. A change to a watched key by any
 * client (or by expiry) marks every client watching it dirty (its EXEC then answers a null
 * array) and drops that client's watches, which no longer matter.
 *
 * <p>Changes arrive two ways: {@link #onKeyChanged} from the {@link KvStore} (records written,
 * deleted, expired, renamed) and {@link #touch} from the dispatcher for collections changed in
 * place; FLUSHALL calls {@link #onFlush}. A key that was already expired when watched counts as
 * absent: its deletion is no change (Redis's {@code watchedKey.expired}).
 *
 * <p>Process thread only.
 */
final class KeyWatches implements KvStore.KeyListener {
    /** One key watched by one client. */
    static final class Watch {
        final ClientSession session;
        final byte[] key;
        /** The key was logically expired when watched. */
        boolean expired;

        Watch(ClientSession session, byte[] key, boolean expired) {
            this.session = session;
            this.key = key;
            this.expired = expired;
        }
    }

    /** A key as a map key: equal when the bytes are equal. */
    private record Key(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    /** Bytes of watched keys all clients together may hold (they travel in the object state). */
    static final long MAX_WATCHED_BYTES = 8L << 20;

    private final Map<Key, List<Watch>> byKey = new HashMap<>();
    private long watchedBytes;

    @Override
    public boolean listening() {
        return !byKey.isEmpty();
    }

    /** Number of distinct watched keys. */
    int keys() {
        return byKey.size();
    }

    /** Whether watches of {@code moreBytes} more key bytes stay within {@link #MAX_WATCHED_BYTES}. */
    boolean mayWatch(long moreBytes) {
        return watchedBytes + moreBytes <= MAX_WATCHED_BYTES;
    }

    /** WATCH of one key; nothing when {@code s} already watches it. The key is copied. */
    void watch(ClientSession s, byte[] key, boolean expiredNow) {
        List<Watch> list = byKey.computeIfAbsent(new Key(Arrays.copyOf(key, key.length)), k -> new ArrayList<>(2));
        for (Watch w : list) {
            if (w.session == s) {
                return;
            }
        }
        Watch w = new Watch(s, Arrays.copyOf(key, key.length), expiredNow);
        list.add(w);
        s.watches.add(w);
        watchedBytes += key.length;
    }

    /** Forgets every key {@code s} watches (UNWATCH, EXEC, DISCARD, disconnect). */
    void unwatchAll(ClientSession s) {
        for (Watch w : s.watches) {
            Key k = new Key(w.key);
            List<Watch> list = byKey.get(k);
            if (list != null && list.remove(w)) {
                watchedBytes -= w.key.length;
                if (list.isEmpty()) {
                    byKey.remove(k);
                }
            }
        }
        s.watches.clear();
    }

    /** Redis's {@code touchWatchedKey}, after the store changed {@code key}'s record. */
    @Override
    public void onKeyChanged(byte[] key, boolean exists) {
        List<Watch> list = byKey.get(new Key(key));
        if (list == null) {
            return;
        }
        for (Watch w : List.copyOf(list)) {
            if (w.expired && !exists) {
                w.expired = false; // an expired key was deleted: logically no change
                continue;
            }
            w.session.dirtyCas = true;
            unwatchAll(w.session);
        }
    }

    /** A write changed the collections of {@code key} in place. */
    void touch(byte[] key) {
        onKeyChanged(key, true);
    }

    /**
     * Redis's {@code touchAllWatchedKeysInDb} before a flush of {@code store}: clients watching a
     * key that exists (expired or not, still in the table) are marked dirty, except that a key
     * already expired when watched is only no longer expired.
     */
    void onFlush(KvStore store) {
        for (Map.Entry<Key, List<Watch>> e : byKey.entrySet()) {
            if (store.lookup(e.getKey().bytes(), 0) == 0) {
                continue;
            }
            for (Watch w : e.getValue()) {
                if (w.expired) {
                    w.expired = false;
                } else {
                    w.session.dirtyCas = true;
                }
            }
        }
    }

    /**
     * Redis's {@code isWatchedKeyExpired} at EXEC: whether a key {@code s} watches, not expired
     * when watched, has expired since (even if not yet deleted).
     */
    boolean anyExpired(ClientSession s, KvStore store, long nowMs) {
        for (Watch w : s.watches) {
            if (!w.expired && isExpired(store, w.key, nowMs)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code key} is in the table with an expiry that has passed (Redis's {@code keyIsExpired}). */
    static boolean isExpired(KvStore store, byte[] key, long nowMs) {
        long rec = store.lookup(key, 0);
        if (rec == 0) {
            return false;
        }
        long expiry = store.expiry(rec);
        return expiry != 0 && expiry <= nowMs;
    }
}
