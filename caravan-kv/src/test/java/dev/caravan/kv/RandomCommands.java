package dev.caravan.kv;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Random mixed commands over a small key space (so that types collide and WRONGTYPE comes up),
 * for the differential test. Each command is a list of arguments; a leading "~" marks a reply
 * whose element order Redis leaves unspecified. Deterministic for a seed.
 */
final class RandomCommands {
    private static final String[] KEYS = {"k0", "k1", "k2", "k3"};
    private static final String[] FIELDS = {"a", "b", "c", "d", "e"};
    private static final String[] VALUES = {"v", "", "0", "1", "-3", "42", "1.5", "x y", "9223372036854775807", "10e2", "abc"};
    private static final String[] SCORES = {"0", "1", "-1", "2.5", "+inf", "-inf", "3", "1e3", "-0", "x"};
    private static final String[] INDICES = {"0", "1", "-1", "2", "-2", "5", "-100", "100", "x"};
    private static final String[] TEMPLATES = {
        "SET K V", "GET K", "APPEND K V", "STRLEN K", "INCR K", "INCRBY K I", "DECRBY K I", "INCRBYFLOAT K V",
        "GETRANGE K I I", "SETRANGE K 2 V", "GETDEL K", "SETNX K V", "MSETNX K V K V", "GETSET K V", "MGET K K K",
        "DEL K", "EXISTS K K", "TYPE K", "RENAME K K", "RENAMENX K K", "PERSIST K", "EXPIRE K 100", "TTL K",
        "HSET K F V", "HSET K F V F V", "HGET K F", "HMGET K F F", "HGETALL K", "HDEL K F F", "HINCRBY K F I",
        "HINCRBYFLOAT K F V", "HEXISTS K F", "HLEN K", "HKEYS K", "HVALS K", "HSETNX K F V", "HSTRLEN K F",
        "LPUSH K V", "RPUSH K V V", "LPUSHX K V", "LPOP K", "RPOP K", "LPOP K I", "RPOP K I", "LRANGE K I I", "LLEN K",
        "LINDEX K I", "LSET K I V", "LTRIM K I I", "LREM K I V", "LRANGE K 0 -1",
        "SADD K F", "SADD K F F V", "SREM K F F", "~SMEMBERS K", "SISMEMBER K F", "SCARD K", "~SPOP K 100",
        "~SRANDMEMBER K 100", "~SINTER K K", "~SUNION K K K", "~SDIFF K K", "SMISMEMBER K F F",
        "ZADD K S F", "ZADD K S F S F", "ZADD K O S F", "ZADD K INCR S F", "ZINCRBY K S F", "ZREM K F F", "ZSCORE K F",
        "ZRANK K F", "ZREVRANK K F", "ZCARD K", "ZCOUNT K S S", "ZPOPMIN K", "ZPOPMAX K I", "ZRANGE K I I",
        "ZRANGE K I I WITHSCORES", "ZRANGE K S S BYSCORE", "ZRANGE K S S BYSCORE REV LIMIT I I WITHSCORES",
        "ZRANGE K 0 -1 WITHSCORES", "ZRANGEBYSCORE K S S", "ZREVRANGE K I I", "ZRANGE K - + BYLEX",
        "ZRANGE K [a (d BYLEX", "ZRANGEBYLEX K - [c", "ZREVRANGEBYSCORE K S S WITHSCORES",
        "~KEYS *", "DBSIZE",
        "LINSERT K BEFORE V V", "LINSERT K AFTER V V", "LPOS K V", "LPOS K V RANK I COUNT 0", "LMOVE K K LEFT RIGHT",
        "RPOPLPUSH K K", "SINTERSTORE K K K", "SUNIONSTORE K K K", "SDIFFSTORE K K K", "SINTERCARD 2 K K", "SMOVE K K F",
        "ZMSCORE K F F", "ZLEXCOUNT K - +", "ZREMRANGEBYRANK K I I", "ZREMRANGEBYSCORE K S S", "ZREMRANGEBYLEX K [a (d",
        "ZRANGESTORE K K I I", "ZRANGESTORE K K S S BYSCORE", "ZRANDMEMBER K 100 WITHSCORES", "HRANDFIELD K 100 WITHVALUES",
        "HSCAN K 0", "ZSCAN K 0", "~SSCAN K 0", "EXPIRETIME K", "TOUCH K K", "GETEX K PERSIST",
    };
    private static final String[] ZADD_OPTIONS = {"NX", "XX", "GT", "LT", "CH", "XX CH", "GT CH", "NX XX", "LT GT"};

    private final SplittableRandom random;

    RandomCommands(long seed) {
        random = new SplittableRandom(seed);
    }

    List<String> next() {
        String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
        List<String> out = new ArrayList<>();
        for (String t : template.split(" ")) {
            switch (t) {
                case "K" -> out.add(pick(KEYS));
                case "F" -> out.add(pick(FIELDS));
                case "V" -> out.add(random.nextInt(3) == 0 ? pick(FIELDS) : pick(VALUES));
                case "I" -> out.add(pick(INDICES));
                case "S" -> out.add(random.nextInt(4) == 0 ? "(" + pick(SCORES) : pick(SCORES));
                case "O" -> out.addAll(List.of(pick(ZADD_OPTIONS).split(" ")));
                default -> out.add(t);
            }
        }
        return out;
    }

    private String pick(String[] a) {
        return a[random.nextInt(a.length)];
    }
}
