package dev.caravan.kv;

import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The commands {@link KvProcess} serves, with Redis's arity (exact if positive, minimum if
 * negative, name included) and flags, for arity checks and the COMMAND reply. Immutable.
 */
final class CommandTable {
    record Spec(String name, int arity, boolean readOnly, int firstKey, int lastKey, int step) {
    }

    static final Map<String, Spec> SPECS = build();

    private CommandTable() {
    }

    private static Map<String, Spec> build() {
        Map<String, Spec> m = new LinkedHashMap<>();
        // strings
        add(m, "GET", 2, true, 1, 1, 1);
        add(m, "SET", -3, false, 1, 1, 1);
        add(m, "SETNX", 3, false, 1, 1, 1);
        add(m, "SETEX", 4, false, 1, 1, 1);
        add(m, "PSETEX", 4, false, 1, 1, 1);
        add(m, "GETSET", 3, false, 1, 1, 1);
        add(m, "GETDEL", 2, false, 1, 1, 1);
        add(m, "GETEX", -2, false, 1, 1, 1);
        add(m, "MGET", -2, true, 1, -1, 1);
        add(m, "MSET", -3, false, 1, -1, 2);
        add(m, "MSETNX", -3, false, 1, -1, 2);
        add(m, "APPEND", 3, false, 1, 1, 1);
        add(m, "STRLEN", 2, true, 1, 1, 1);
        add(m, "GETRANGE", 4, true, 1, 1, 1);
        add(m, "SUBSTR", 4, true, 1, 1, 1);
        add(m, "SETRANGE", 4, false, 1, 1, 1);
        add(m, "INCR", 2, false, 1, 1, 1);
        add(m, "DECR", 2, false, 1, 1, 1);
        add(m, "INCRBY", 3, false, 1, 1, 1);
        add(m, "DECRBY", 3, false, 1, 1, 1);
        add(m, "INCRBYFLOAT", 3, false, 1, 1, 1);
        // keys
        add(m, "DEL", -2, false, 1, -1, 1);
        add(m, "UNLINK", -2, false, 1, -1, 1);
        add(m, "EXISTS", -2, true, 1, -1, 1);
        add(m, "TYPE", 2, true, 1, 1, 1);
        add(m, "KEYS", 2, true, 0, 0, 0);
        add(m, "SCAN", -2, true, 0, 0, 0);
        add(m, "RENAME", 3, false, 1, 2, 1);
        add(m, "RENAMENX", 3, false, 1, 2, 1);
        add(m, "EXPIRE", -3, false, 1, 1, 1);
        add(m, "PEXPIRE", -3, false, 1, 1, 1);
        add(m, "EXPIREAT", -3, false, 1, 1, 1);
        add(m, "PEXPIREAT", -3, false, 1, 1, 1);
        add(m, "PERSIST", 2, false, 1, 1, 1);
        add(m, "TTL", 2, true, 1, 1, 1);
        add(m, "PTTL", 2, true, 1, 1, 1);
        // hashes
        add(m, "HSET", -4, false, 1, 1, 1);
        add(m, "HSETNX", 4, false, 1, 1, 1);
        add(m, "HMSET", -4, false, 1, 1, 1);
        add(m, "HGET", 3, true, 1, 1, 1);
        add(m, "HMGET", -3, true, 1, 1, 1);
        add(m, "HGETALL", 2, true, 1, 1, 1);
        add(m, "HKEYS", 2, true, 1, 1, 1);
        add(m, "HVALS", 2, true, 1, 1, 1);
        add(m, "HDEL", -3, false, 1, 1, 1);
        add(m, "HINCRBY", 4, false, 1, 1, 1);
        add(m, "HINCRBYFLOAT", 4, false, 1, 1, 1);
        add(m, "HEXISTS", 3, true, 1, 1, 1);
        add(m, "HLEN", 2, true, 1, 1, 1);
        add(m, "HSTRLEN", 3, true, 1, 1, 1);
        // lists
        add(m, "LPUSH", -3, false, 1, 1, 1);
        add(m, "RPUSH", -3, false, 1, 1, 1);
        add(m, "LPUSHX", -3, false, 1, 1, 1);
        add(m, "RPUSHX", -3, false, 1, 1, 1);
        add(m, "LPOP", -2, false, 1, 1, 1);
        add(m, "RPOP", -2, false, 1, 1, 1);
        add(m, "LLEN", 2, true, 1, 1, 1);
        add(m, "LINDEX", 3, true, 1, 1, 1);
        add(m, "LSET", 4, false, 1, 1, 1);
        add(m, "LRANGE", 4, true, 1, 1, 1);
        add(m, "LTRIM", 4, false, 1, 1, 1);
        add(m, "LREM", 4, false, 1, 1, 1);
        add(m, "BLPOP", -3, false, 1, -2, 1);
        add(m, "BRPOP", -3, false, 1, -2, 1);
        // sets
        add(m, "SADD", -3, false, 1, 1, 1);
        add(m, "SREM", -3, false, 1, 1, 1);
        add(m, "SMEMBERS", 2, true, 1, 1, 1);
        add(m, "SISMEMBER", 3, true, 1, 1, 1);
        add(m, "SMISMEMBER", -3, true, 1, 1, 1);
        add(m, "SCARD", 2, true, 1, 1, 1);
        add(m, "SPOP", -2, false, 1, 1, 1);
        add(m, "SRANDMEMBER", -2, true, 1, 1, 1);
        add(m, "SINTER", -2, true, 1, -1, 1);
        add(m, "SUNION", -2, true, 1, -1, 1);
        add(m, "SDIFF", -2, true, 1, -1, 1);
        // sorted sets
        add(m, "ZADD", -4, false, 1, 1, 1);
        add(m, "ZINCRBY", 4, false, 1, 1, 1);
        add(m, "ZREM", -3, false, 1, 1, 1);
        add(m, "ZSCORE", 3, true, 1, 1, 1);
        add(m, "ZRANK", 3, true, 1, 1, 1);
        add(m, "ZREVRANK", 3, true, 1, 1, 1);
        add(m, "ZCARD", 2, true, 1, 1, 1);
        add(m, "ZCOUNT", 4, true, 1, 1, 1);
        add(m, "ZPOPMIN", -2, false, 1, 1, 1);
        add(m, "ZPOPMAX", -2, false, 1, 1, 1);
        add(m, "ZRANGE", -4, true, 1, 1, 1);
        add(m, "ZREVRANGE", -4, true, 1, 1, 1);
        add(m, "ZRANGEBYSCORE", -4, true, 1, 1, 1);
        add(m, "ZREVRANGEBYSCORE", -4, true, 1, 1, 1);
        add(m, "ZRANGEBYLEX", -4, true, 1, 1, 1);
        add(m, "ZREVRANGEBYLEX", -4, true, 1, 1, 1);
        // server
        add(m, "PING", -1, true, 0, 0, 0);
        add(m, "ECHO", 2, true, 0, 0, 0);
        add(m, "DBSIZE", 1, true, 0, 0, 0);
        add(m, "FLUSHALL", -1, false, 0, 0, 0);
        add(m, "FLUSHDB", -1, false, 0, 0, 0);
        add(m, "INFO", -1, true, 0, 0, 0);
        add(m, "COMMAND", -1, true, 0, 0, 0);
        add(m, "CONFIG", -2, false, 0, 0, 0);
        add(m, "CLIENT", -2, false, 0, 0, 0);
        add(m, "SELECT", 2, false, 0, 0, 0);
        add(m, "QUIT", -1, false, 0, 0, 0);
        return Map.copyOf(m);
    }

    private static void add(Map<String, Spec> m, String name, int arity, boolean ro, int first, int last, int step) {
        m.put(name, new Spec(name, arity, ro, first, last, step));
    }

    static boolean arityOk(Spec s, int size) {
        return s.arity() >= 0 ? size == s.arity() : size >= -s.arity();
    }

    /** One entry of the COMMAND reply: name, arity, flags, first key, last key, step. */
    static Reply info(Spec s) {
        List<Reply> flags = new ArrayList<>();
        flags.add(new Reply.Simple(s.readOnly() ? "readonly" : "write"));
        if (s.firstKey() == 0) {
            flags.add(new Reply.Simple("fast"));
        }
        return new Reply.Array(List.of(Reply.bulk(s.name().toLowerCase(java.util.Locale.ROOT)), Reply.integer(s.arity()),
                new Reply.Array(flags), Reply.integer(s.firstKey()), Reply.integer(s.lastKey()), Reply.integer(s.step())));
    }
}
