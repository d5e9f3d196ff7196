package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;

/**
 * BLPOP and BRPOP ({@code key [key ...] timeout}) as redis-server 7.0.15's
 * {@code blockingPopGenericCommand}: the timeout is read first ({@link BlockTimeout}), then the
 * keys in the order given: a missing key is passed over, one of another type is WRONGTYPE, and
 * the first non-empty list is popped like LPOP/RPOP, answering {@code [key, value]}. When every
 * list is empty the answer is {@link Reply.Blocked} with the deadline and the nil array
 * ({@code *-1}) as the timeout reply: the runtime parks the client and asks again with
 * {@link #retry} after later writes, the longest-waiting client first. (Inside MULTI the session
 * layer answers the timeout reply at once, as redis-server does for a client that may not block.)
 *
 * <p>A woken client is served as redis-server serves it: only from a key that holds a list, so a
 * key that came to hold another type meanwhile keeps it waiting rather than answering
 * WRONGTYPE. One difference: redis-server serves a client from the key that became ready first,
 * this serves it from the first of its keys that holds a list, which differs only when one
 * transaction fills several of the keys a client waits on. Process thread only.
 */
final class BlockingPops {
    /** Still nothing to pop: the runtime keeps the first deadline, so this one is never read. */
    private static final Reply STILL_BLOCKED = new Reply.Blocked(0, Reply.NIL_ARRAY);

    private final KvStore store;
    private final DataTypes types;
    private final PagedList lists;

    BlockingPops(KvStore store, DataTypes types) {
        this.store = store;
        this.types = types;
        this.lists = types.lists;
    }

    /** A BLPOP or BRPOP as sent. */
    Reply pop(Command c, long now) {
        long deadlineMs = BlockTimeout.deadlineMs(c.arg(c.size() - 1), now);
        for (int i = 1; i < c.size() - 1; i++) {
            long l = DataTypes.find(store, c.arg(i), KvStore.LIST, now);
            if (l != 0 && lists.length(l) > 0) {
                return popFrom(c, i, l, now);
            }
        }
        return new Reply.Blocked(deadlineMs, Reply.NIL_ARRAY);
    }

    /** A parked BLPOP or BRPOP asked again: served from the first of its keys holding a non-empty list. */
    Reply retry(Command c, long now) {
        for (int i = 1; i < c.size() - 1; i++) {
            long rec = store.lookup(c.arg(i), now);
            if (rec != 0 && store.type(rec) == KvStore.LIST) {
                long l = store.object(rec);
                if (lists.length(l) > 0) {
                    return popFrom(c, i, l, now);
                }
            }
        }
        return STILL_BLOCKED;
    }

    /** Whether {@code c} is one of the commands {@link #retry} answers. */
    static boolean isBlockingPop(Command c) {
        return c.name().equals("BLPOP") || c.name().equals("BRPOP");
    }

    private Reply popFrom(Command c, int keyIndex, long list, long now) {
        byte[] key = c.arg(keyIndex);
        byte[] value = lists.pop(list, c.name().equals("BLPOP"));
        types.deleteIfEmpty(store, key, KvStore.LIST, list, now);
        return new Reply.Array(List.of(new Reply.Bulk(key), new Reply.Bulk(value)));
    }
}
