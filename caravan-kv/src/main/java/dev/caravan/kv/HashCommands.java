package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * HSET HSETNX HMSET HGET HMGET HGETALL HDEL HINCRBY HINCRBYFLOAT HEXISTS HLEN HSTRLEN HKEYS
 * HVALS HRANDFIELD HSCAN over hashes kept as {@link PagedDict}s, in insertion order (the order
 * of redis-server's listpack hashes). Checks come in redis-server's order: argument count, then
 * numbers, then the key's type. HGETALL is a RESP3 map. Process thread only.
 */
final class HashCommands {
    private final KvStore store;
    private final DataTypes types;
    private final PagedDict dict;
    private final CurrentClient client;

    HashCommands(KvStore store, DataTypes types, CurrentClient client) {
        this.store = store;
        this.types = types;
        this.dict = types.dicts;
        this.client = client;
    }

    Reply execute(Command c, long now) {
        return switch (c.name()) {
            case "HSET", "HMSET" -> hset(c, now);
            case "HSETNX" -> hsetnx(c, now);
            case "HGET" -> {
                long e = field(c, now);
                yield e == 0 ? Reply.NIL : new Reply.Bulk(dict.value(e));
            }
            case "HSTRLEN" -> {
                long e = field(c, now);
                yield Reply.integer(e == 0 ? 0 : dict.value(e).length);
            }
            case "HEXISTS" -> Reply.integer(field(c, now) == 0 ? 0 : 1);
            case "HMGET" -> hmget(c, now);
            case "HGETALL" -> all(c, now, true, true);
            case "HKEYS" -> all(c, now, true, false);
            case "HVALS" -> all(c, now, false, true);
            case "HLEN" -> {
                long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
                yield Reply.integer(h == 0 ? 0 : dict.count(h));
            }
            case "HDEL" -> hdel(c, now);
            case "HINCRBY" -> hincrBy(c, now);
            case "HINCRBYFLOAT" -> hincrByFloat(c, now);
            case "HRANDFIELD" -> RandomMembers.hrandfield(store, types, client, c, now);
            case "HSCAN" -> CollectionScan.execute(store, types, c, KvStore.HASH, now);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    private Reply hset(Command c, long now) {
        if (c.size() % 2 == 1) {
            return Reply.wrongArity(c.name());
        }
        long h = types.findOrCreate(store, c.arg(1), KvStore.HASH, now);
        long added = 0;
        for (int i = 2; i < c.size(); i += 2) {
            long before = dict.count(h);
            dict.put(h, c.arg(i), c.arg(i + 1));
            added += dict.count(h) - before;
        }
        return c.name().equals("HMSET") ? Reply.OK : Reply.integer(added);
    }

    private Reply hsetnx(Command c, long now) {
        long h = types.findOrCreate(store, c.arg(1), KvStore.HASH, now);
        if (dict.find(h, c.arg(2)) != 0) {
            return Reply.integer(0);
        }
        dict.put(h, c.arg(2), c.arg(3));
        return Reply.integer(1);
    }

    /** The entry of field arg(2) in hash arg(1), or 0. */
    private long field(Command c, long now) {
        long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
        return h == 0 ? 0 : dict.find(h, c.arg(2));
    }

    private Reply hmget(Command c, long now) {
        long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
        List<Reply> out = new ArrayList<>(c.size() - 2);
        for (int i = 2; i < c.size(); i++) {
            long e = h == 0 ? 0 : dict.find(h, c.arg(i));
            out.add(e == 0 ? Reply.NIL : new Reply.Bulk(dict.value(e)));
        }
        return new Reply.Array(out);
    }

    private Reply all(Command c, long now, boolean keys, boolean values) {
        long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
        List<Reply> out = new ArrayList<>();
        for (long e = h == 0 ? 0 : dict.first(h); e != 0; e = dict.next(e)) {
            if (keys) {
                out.add(new Reply.Bulk(dict.key(e)));
            }
            if (values) {
                out.add(new Reply.Bulk(dict.value(e)));
            }
        }
        return keys && values ? new Reply.Map(out) : new Reply.Array(out);
    }

    private Reply hdel(Command c, long now) {
        long h = DataTypes.find(store, c.arg(1), KvStore.HASH, now);
        if (h == 0) {
            return Reply.integer(0);
        }
        long n = 0;
        for (int i = 2; i < c.size(); i++) {
            if (dict.remove(h, c.arg(i))) {
                n++;
            }
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.HASH, h, now);
        return Reply.integer(n);
    }

    private Reply hincrBy(Command c, long now) {
        long incr = KvError.parseLong(c.arg(3));
        long h = types.findOrCreate(store, c.arg(1), KvStore.HASH, now);
        long e = dict.find(h, c.arg(2));
        long value = 0;
        if (e != 0) {
            try {
                value = KvError.parseLong(dict.value(e));
            } catch (KvError notInteger) {
                throw new KvError("ERR hash value is not an integer");
            }
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value) || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw KvError.OVERFLOW;
        }
        dict.put(h, c.arg(2), Long.toString(value + incr).getBytes(StandardCharsets.US_ASCII));
        return Reply.integer(value + incr);
    }

    private Reply hincrByFloat(Command c, long now) {
        boolean[] infinite = new boolean[1];
        BigDecimal incr = Floats.parseLongDouble(c.arg(3), infinite);
        if (infinite[0]) {
            throw new KvError("ERR value is NaN or Infinity");
        }
        if (incr == null) {
            throw Floats.NOT_FLOAT;
        }
        long h = types.findOrCreate(store, c.arg(1), KvStore.HASH, now);
        long e = dict.find(h, c.arg(2));
        BigDecimal value = BigDecimal.ZERO;
        if (e != 0) {
            value = Floats.parseLongDouble(dict.value(e), new boolean[1]);
            if (value == null) {
                throw new KvError("ERR hash value is not a float");
            }
        }
        byte[] result = Floats.addLongDouble(value, incr).getBytes(StandardCharsets.US_ASCII);
        dict.put(h, c.arg(2), result);
        return new Reply.Bulk(result);
    }
}
