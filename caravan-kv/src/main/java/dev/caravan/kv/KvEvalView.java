package dev.caravan.kv;

import dev.caravan.core.eval.KeyValueView;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The key space as a shipped function reads it ({@link KeyValueView}): a walk over the hash
 * table's slots and lookups that never delete an expired key ({@link KvStore#peek}), so that
 * reading changes nothing. Expiry is judged at {@code nowMs}, the time the view was made.
 *
 * <p>Threading: made on the process thread, then called from the function's thread while the
 * process thread waits for it (so the table does not change under the walk); the runtime
 * guards each call.
 */
final class KvEvalView implements KeyValueView {
    private static final String[] TYPE_NAMES = {"string", "hash", "list", "set", "zset"};

    private final KvStore store;
    private final long nowMs;

    KvEvalView(KvStore store, long nowMs) {
        this.store = store;
        this.nowMs = nowMs;
    }

    @Override
    public long size() {
        return store.keys();
    }

    @Override
    public Iterator<byte[]> keys() {
        return new Iterator<>() {
            private long slot = -1;
            private long next = advance();

            private long advance() {
                long n = store.slotCount();
                for (slot++; slot < n; slot++) {
                    long rec = store.recordAt(slot);
                    if (rec != 0 && store.live(rec, nowMs)) {
                        return rec;
                    }
                }
                return 0;
            }

            @Override
            public boolean hasNext() {
                return next != 0;
            }

            @Override
            public byte[] next() {
                if (next == 0) {
                    throw new NoSuchElementException();
                }
                byte[] key = store.key(next);
                next = advance();
                return key;
            }
        };
    }

    @Override
    public String type(byte[] key) {
        long rec = store.peek(key, nowMs);
        return rec == 0 ? "none" : TYPE_NAMES[store.type(rec)];
    }

    @Override
    public long valueLength(byte[] key) {
        long rec = store.peek(key, nowMs);
        return rec == 0 || store.type(rec) != KvStore.STRING ? -1 : store.valueLength(rec);
    }

    @Override
    public byte[] get(byte[] key) {
        long rec = store.peek(key, nowMs);
        if (rec == 0 || store.type(rec) != KvStore.STRING) {
            return null;
        }
        byte[] v = new byte[store.valueLength(rec)];
        store.memory().read(store.valueAddress(rec), v, 0, v.length);
        return v;
    }
}
