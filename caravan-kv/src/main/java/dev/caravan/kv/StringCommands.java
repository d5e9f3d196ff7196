package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX MGET MSET MSETNX over a {@link KvStore}, with
 * Redis 7.0's order of checks ({@code t_string.c}). Counters are {@link CounterCommands},
 * byte ranges {@link StringRangeCommands}. Process thread only.
 */
final class StringCommands {
    private StringCommands() {
    }

    /** The string record of {@code key}, 0 if absent, WRONGTYPE if another type. */
    static long find(KvStore store, byte[] key, long nowMs) {
        long rec = store.lookup(key, nowMs);
        if (rec != 0 && store.type(rec) != KvStore.STRING) {
            throw KvError.WRONGTYPE;
        }
        return rec;
    }

    static Reply get(KvStore store, Command c, long nowMs) {
        long rec = find(store, c.arg(1), nowMs);
        return rec == 0 ? Reply.NIL : StringValues.reply(store, rec);
    }

    /** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL]. */
    static Reply set(KvStore store, Command c, long nowMs) {
        if (c.size() == 3) {
            StringValues.put(store, c.arg(1), c, 2, 0);
            return Reply.OK;
        }
        SetOptions o = SetOptions.parse(c, 3, true);
        return set(store, c.name(), c.arg(1), c, 2, o, Reply.OK, Reply.NIL, nowMs);
    }

    /** Redis's {@code setGenericCommand}; the value is argument {@code valueAt} of {@code c}. */
    static Reply set(KvStore store, String command, byte[] key, Command c, int valueAt, SetOptions o, Reply ok, Reply abort,
                     long nowMs) {
        long expiry = o.expire == null ? 0 : o.expiryMs(command, nowMs);
        Reply old = null;
        if (o.get) {
            long rec = find(store, key, nowMs);
            old = rec == 0 ? Reply.NIL : StringValues.reply(store, rec);
        }
        long rec = store.lookup(key, nowMs);
        if ((o.nx && rec != 0) || (o.xx && rec == 0)) {
            return o.get ? old : abort;
        }
        if (o.keepTtl && rec != 0) {
            expiry = store.expiry(rec);
        }
        try {
            if (o.expire != null && expiry <= nowMs) {
                store.delete(key, nowMs);
            } else {
                StringValues.put(store, key, c, valueAt, expiry);
            }
        } catch (RuntimeException e) {
            if (old != null) {
                Reply.release(old); // the old value's off-heap copy, never answered
            }
            throw e;
        }
        return o.get ? old : ok;
    }

    static Reply setnx(KvStore store, Command c, long nowMs) {
        SetOptions o = SetOptions.parse(Command.of("SET", "k", "v", "NX"), 3, true);
        return set(store, c.name(), c.arg(1), c, 2, o, Reply.integer(1), Reply.integer(0), nowMs);
    }

    /** SETEX key seconds value / PSETEX key ms value. */
    static Reply setex(KvStore store, Command c, long nowMs) {
        // Only the options are parsed: the value (maybe off-heap) has no place in this command.
        SetOptions o = SetOptions.parse(new Command(new byte[][] {c.arg(0), c.arg(1), new byte[0],
            c.name().equals("SETEX") ? new byte[] {'E', 'X'} : new byte[] {'P', 'X'}, c.arg(2)}), 3, true);
        return set(store, c.name(), c.arg(1), c, 3, o, Reply.OK, Reply.NIL, nowMs);
    }

    static Reply getset(KvStore store, Command c, long nowMs) {
        long rec = find(store, c.arg(1), nowMs);
        Reply old = rec == 0 ? Reply.NIL : StringValues.reply(store, rec);
        try {
            StringValues.put(store, c.arg(1), c, 2, 0);
        } catch (RuntimeException e) {
            Reply.release(old);
            throw e;
        }
        return old;
    }

    static Reply getdel(KvStore store, Command c, long nowMs) {
        long rec = find(store, c.arg(1), nowMs);
        if (rec == 0) {
            return Reply.NIL;
        }
        Reply old = StringValues.reply(store, rec);
        store.delete(c.arg(1), nowMs);
        return old;
    }

    /** GETEX key [EX s|PX ms|EXAT s|PXAT ms|PERSIST]. */
    static Reply getex(KvStore store, Command c, long nowMs) {
        SetOptions o = SetOptions.parse(c, 2, false);
        long rec = find(store, c.arg(1), nowMs);
        if (rec == 0) {
            return Reply.NIL;
        }
        long expiry = o.expire == null ? 0 : o.expiryMs(c.name(), nowMs);
        Reply value = StringValues.reply(store, rec);
        if (o.absolute() && expiry <= nowMs) {
            store.delete(c.arg(1), nowMs);
        } else if (o.expire != null) {
            store.setExpiry(rec, expiry);
        } else if (o.persist) {
            store.setExpiry(rec, 0);
        }
        return value;
    }

    static Reply mget(KvStore store, Command c, long nowMs) {
        List<Reply> out = new ArrayList<>(c.size() - 1);
        for (int i = 1; i < c.size(); i++) {
            long rec = store.lookup(c.arg(i), nowMs);
            out.add(rec == 0 || store.type(rec) != KvStore.STRING ? Reply.NIL : StringValues.reply(store, rec));
        }
        return new Reply.Array(out);
    }

    /** MSET, or MSETNX ({@code nx}): nothing is set if any key exists, whatever its type. */
    static Reply mset(KvStore store, Command c, boolean nx, long nowMs) {
        if (c.size() % 2 == 0) {
            return Reply.wrongArity(c.name());
        }
        if (nx) {
            for (int i = 1; i < c.size(); i += 2) {
                if (store.lookup(c.arg(i), nowMs) != 0) {
                    return Reply.integer(0);
                }
            }
        }
        for (int i = 1; i < c.size(); i += 2) {
            StringValues.put(store, c.arg(i), c, i + 1, 0);
        }
        return nx ? Reply.integer(1) : Reply.OK;
    }
}
