package dev.caravan.switching.resp;

import dev.caravan.wire.command.Command;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a command's keys are, by its name: a small table of the common commands' key specs,
 * copied from redis-server 7.0's command table ({@code COMMAND INFO}: first key, last key, step;
 * {@code numkeys} commands read their count), and, for a command not in the table, its first
 * argument (none when it has no argument). Commands the switch answers or refuses itself are
 * classified apart ({@link Kind}).
 *
 * <pre>
 * KEYED      GET k / MGET k1 k2 / MSET k1 v1 k2 v2 / ZUNIONSTORE d 2 k1 k2 / EVAL s 1 k / unknown k ...
 * LOCAL      PING, ECHO, QUIT                         answered by the switch
 * SESSION    HELLO, AUTH, CLIENT                      the client's home backend; recorded and replayed
 * HOME       CONFIG, INFO, COMMAND, TIME, ...         the client's home backend (one shard's answer)
 * REFUSED    MULTI/EXEC/DISCARD/WATCH/UNWATCH, SELECT, RESET, keyspace-wide and pub/sub commands
 * </pre>
 *
 * <p>Threading: immutable; any thread.
 */
final class CommandKeys {
    /** How the switch treats a command. */
    enum Kind { KEYED, LOCAL, SESSION, HOME, REFUSED }

    /** A key spec: keys at {@code first}, {@code first + step}, ... up to {@code last} (negative: from the end). */
    private record Spec(int first, int last, int step) {
    }

    /** {@code numkeys} at this index, the keys right after it (ZUNION, EVAL, LMPOP, ...); {@code first} fixed keys before it. */
    private record NumKeys(int countIndex, int fixedKeyAt) {
    }

    private static final Map<String, Spec> SPECS = new HashMap<>();
    private static final Map<String, NumKeys> NUMKEYS = new HashMap<>();
    private static final Map<String, Kind> KINDS = new HashMap<>();

    static {
        for (String c : ("GET SET SETNX SETEX PSETEX GETSET GETDEL GETEX APPEND STRLEN INCR DECR INCRBY DECRBY"
                + " INCRBYFLOAT GETRANGE SETRANGE SUBSTR GETBIT SETBIT BITCOUNT BITPOS BITFIELD BITFIELD_RO TTL PTTL"
                + " EXPIRE PEXPIRE EXPIREAT PEXPIREAT EXPIRETIME PEXPIRETIME PERSIST TYPE DUMP RESTORE"
                + " HSET HSETNX HGET HMSET HMGET HDEL HLEN HSTRLEN HKEYS HVALS HGETALL HEXISTS HINCRBY HINCRBYFLOAT"
                + " HRANDFIELD HSCAN LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LREM LTRIM LINSERT LPOS"
                + " SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS SPOP SRANDMEMBER SSCAN"
                + " ZADD ZREM ZCARD ZSCORE ZMSCORE ZINCRBY ZRANK ZREVRANK ZRANGE ZREVRANGE ZRANGEBYSCORE ZREVRANGEBYSCORE"
                + " ZRANGEBYLEX ZREVRANGEBYLEX ZCOUNT ZLEXCOUNT ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX"
                + " ZPOPMIN ZPOPMAX ZRANDMEMBER ZSCAN PFADD XADD XLEN XRANGE XREVRANGE XDEL XTRIM SORT SORT_RO").split(" ")) {
            SPECS.put(c, new Spec(1, 1, 1));
        }
        for (String c : "MGET DEL UNLINK EXISTS TOUCH SINTER SUNION SDIFF SINTERSTORE SUNIONSTORE SDIFFSTORE PFCOUNT PFMERGE WATCH".split(" ")) {
            SPECS.put(c, new Spec(1, -1, 1));
        }
        for (String c : "RENAME RENAMENX SMOVE LMOVE RPOPLPUSH COPY BLMOVE BRPOPLPUSH ZRANGESTORE".split(" ")) {
            SPECS.put(c, new Spec(1, 2, 1));
        }
        for (String c : "BLPOP BRPOP BZPOPMIN BZPOPMAX".split(" ")) {
            SPECS.put(c, new Spec(1, -2, 1));
        }
        SPECS.put("MSET", new Spec(1, -1, 2));
        SPECS.put("MSETNX", new Spec(1, -1, 2));
        SPECS.put("OBJECT", new Spec(2, 2, 1));
        SPECS.put("MEMORY", new Spec(2, 2, 1));
        for (String c : "ZUNION ZINTER ZDIFF SINTERCARD ZINTERCARD LMPOP ZMPOP".split(" ")) {
            NUMKEYS.put(c, new NumKeys(1, -1));
        }
        for (String c : "ZUNIONSTORE ZINTERSTORE ZDIFFSTORE".split(" ")) {
            NUMKEYS.put(c, new NumKeys(2, 1));
        }
        for (String c : "EVAL EVALSHA EVAL_RO EVALSHA_RO FCALL FCALL_RO BLMPOP BZMPOP".split(" ")) {
            NUMKEYS.put(c, new NumKeys(2, -1));
        }
        for (String c : "PING ECHO QUIT".split(" ")) {
            KINDS.put(c, Kind.LOCAL);
        }
        for (String c : "HELLO AUTH CLIENT".split(" ")) {
            KINDS.put(c, Kind.SESSION);
        }
        for (String c : "CONFIG INFO COMMAND TIME LASTSAVE LOLWUT".split(" ")) {
            KINDS.put(c, Kind.HOME);
        }
        for (String c : ("MULTI EXEC DISCARD WATCH UNWATCH SELECT RESET SWAPDB MOVE DBSIZE KEYS SCAN RANDOMKEY FLUSHALL FLUSHDB"
                + " WAIT SUBSCRIBE PSUBSCRIBE SSUBSCRIBE UNSUBSCRIBE PUNSUBSCRIBE SUNSUBSCRIBE PUBLISH SPUBLISH MONITOR"
                + " XREAD XREADGROUP").split(" ")) {
            KINDS.put(c, Kind.REFUSED);
        }
    }

    private CommandKeys() {
    }

    static Kind kind(Command c) {
        Kind k = KINDS.get(c.name());
        return k != null ? k : keyIndexes(c).isEmpty() ? Kind.HOME : Kind.KEYED;
    }

    /**
     * The argument indexes of {@code c}'s keys, in order; empty when it names none (or is too
     * short for its spec: the backend then answers its arity error).
     */
    static List<Integer> keyIndexes(Command c) {
        int n = c.size();
        List<Integer> out = new ArrayList<>();
        NumKeys nk = NUMKEYS.get(c.name());
        if (nk != null) {
            if (nk.fixedKeyAt() > 0 && nk.fixedKeyAt() < n) {
                out.add(nk.fixedKeyAt());
            }
            long count = nk.countIndex() < n ? parseCount(c, nk.countIndex()) : -1;
            for (int i = 0; i < count && nk.countIndex() + 1 + i < n; i++) {
                out.add(nk.countIndex() + 1 + i);
            }
            return out;
        }
        Spec s = SPECS.getOrDefault(c.name(), new Spec(1, 1, 1));
        int last = s.last() >= 0 ? s.last() : n + s.last();
        for (int i = s.first(); i <= last && i < n; i += s.step()) {
            out.add(i);
        }
        return out;
    }

    private static long parseCount(Command c, int i) {
        if (c.isOffHeap(i)) {
            return -1;
        }
        try {
            return Long.parseLong(c.text(i));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
