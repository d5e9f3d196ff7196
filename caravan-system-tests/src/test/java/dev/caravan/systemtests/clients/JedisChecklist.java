package dev.caravan.systemtests.clients;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The checklist with Jedis ({@code redis.clients:jedis}), the classic single-connection {@link Jedis} and its own
 * {@code multi()} and {@code pipelined()}. Defaults: the only setting made is the password (through
 * {@link DefaultJedisClientConfig}, as Jedis documents it); protocol negotiation, timeouts and client info are Jedis's.
 */
final class JedisChecklist extends ClientChecklist {
    private final List<Jedis> opened = new ArrayList<>();
    private Jedis jedis;
    private Transaction openTransaction;
    private Response<String> openTransactionSet;

    JedisChecklist(String host, int port, String password) {
        super("jedis", host, port, password);
    }

    private Jedis newJedis(String pass) {
        Jedis j = pass == null ? new Jedis(host, port) : new Jedis(host, port, config(pass));
        opened.add(j);
        return j;
    }

    private static JedisClientConfig config(String pass) {
        return DefaultJedisClientConfig.builder().password(pass).build();
    }

    @Override
    protected String connect() {
        jedis = newJedis(password);
        expect("PING", "PONG", jedis.ping());
        return "PING answered";
    }

    @Override
    protected String setGet(String key) {
        expect("SET", "OK", jedis.set(key, "value-1"));
        expect("GET", "value-1", jedis.get(key));
        expect("GET of a missing key", null, jedis.get(key + ":missing"));
        return "SET then GET round-trips; a missing key is null";
    }

    @Override
    protected String binary(byte[] key) {
        expect("SET", "OK", jedis.set(key, ALL_BYTES));
        expect("GET", ALL_BYTES, jedis.get(key));
        return "a key and a value holding all 256 byte values round-trip (byte[] API)";
    }

    @Override
    protected String pipeline(String keyPrefix) {
        Pipeline p = jedis.pipelined();
        List<Response<String>> replies = new ArrayList<>();
        for (int i = 0; i < PIPELINE_COMMANDS / 2; i++) {
            replies.add(p.set(keyPrefix + i, Integer.toString(i)));
            replies.add(p.get(keyPrefix + i));
        }
        p.sync();
        for (int i = 0; i < PIPELINE_COMMANDS / 2; i++) {
            expect("reply " + (2 * i), "OK", replies.get(2 * i).get());
            expect("reply " + (2 * i + 1), Integer.toString(i), replies.get(2 * i + 1).get());
        }
        return "pipelined() of " + PIPELINE_COMMANDS + " commands, replies in order";
    }

    @Override
    protected String transaction(String key) {
        try (Transaction t = jedis.multi()) {
            Response<String> set = t.set(key, "1");
            Response<Long> incr = t.incr(key);
            Response<String> get = t.get(key);
            List<Object> replies = t.exec();
            expect("EXEC reply count", 3, replies == null ? null : replies.size());
            expect("SET", "OK", set.get());
            expect("INCR", 2L, incr.get());
            expect("GET", "2", get.get());
        }
        return "multi(), set/incr/get, exec(): OK, 2, \"2\"";
    }

    @Override
    protected String transactionWatch(String key) {
        jedis.set(key, "original");
        Jedis other = newJedis(password);
        jedis.watch(key);
        other.set(key, "changed-by-other");
        try (Transaction t = jedis.multi()) {
            t.set(key, "mine");
            List<Object> replies = t.exec();
            if (replies != null) {
                throw fail("EXEC ran although a watched key changed: " + replies);
            }
        }
        other.close();
        expect("value after the aborted EXEC", "changed-by-other", jedis.get(key));
        return "watch(), a write by another connection, exec() returned null";
    }

    @Override
    protected String expireTtl(String key, String persistent, String missing) {
        jedis.set(key, "v");
        jedis.set(persistent, "v");
        expect("EXPIRE", 1L, jedis.expire(key, 100));
        long ttl = jedis.ttl(key);
        expectTtl("TTL after EXPIRE 100", 90, 100, ttl);
        expect("TTL of a key without expiry", -1L, jedis.ttl(persistent));
        expect("TTL of a missing key", -2L, jedis.ttl(missing));
        return "TTL " + ttl + " after EXPIRE 100; -1 without expiry; -2 when missing";
    }

    @Override
    protected String hash(String key) {
        expect("HSET of 3 new fields", 3L, jedis.hset(key, HASH));
        expect("HGETALL", HASH, jedis.hgetAll(key));
        expect("HGET", "v1", jedis.hget(key, "f1"));
        return "hset of a map of 3 fields, hgetAll and hget";
    }

    @Override
    protected String list(String key) {
        expect("RPUSH", 3L, jedis.rpush(key, LIST.toArray(String[]::new)));
        expect("LRANGE 0 -1", LIST, jedis.lrange(key, 0, -1));
        expect("LRANGE 1 1", List.of("b"), jedis.lrange(key, 1, 1));
        return "rpush a b c, lrange";
    }

    @Override
    protected String auth(String key) {
        expectRefused(null, "without the password", NOAUTH, key);
        expectRefused(password + "-wrong", "with a wrong password", WRONGPASS, key);
        return "refused with NOAUTH without the password, WRONGPASS with a wrong one";
    }

    private void expectRefused(String pass, String how, String message, String key) {
        try (Jedis j = pass == null ? new Jedis(host, port) : new Jedis(host, port, config(pass))) {
            String reply = j.get(key);
            throw fail("GET " + how + " answered " + reply);
        } catch (RuntimeException e) {
            expect("error " + how, message, rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    @Override
    protected long clientId() {
        return jedis.clientId();
    }

    @Override
    protected long incr(String key) {
        return jedis.incr(key);
    }

    @Override
    protected String get(String key) {
        return jedis.get(key);
    }

    @Override
    protected String kept(String phase) {
        expect("binary value", ALL_BYTES, jedis.get(binaryKey(phase)));
        expect("hash", HASH, jedis.hgetAll(key(phase, "h")));
        expect("list", LIST, jedis.lrange(key(phase, "l"), 0, -1));
        Pipeline p = jedis.pipelined();
        List<Response<String>> gets = new ArrayList<>();
        for (int i = 0; i < PIPELINE_COMMANDS / 2; i++) {
            gets.add(p.get(key(phase, "p:") + i));
        }
        p.sync();
        for (int i = 0; i < gets.size(); i++) {
            expect("pipelined key " + i, Integer.toString(i), gets.get(i).get());
        }
        expectTtl("TTL of the expiring key", 1, 100, jedis.ttl(key(phase, "ttl")));
        return "binary value, hash, list, " + gets.size() + " pipelined keys and a TTL are intact";
    }

    @Override
    protected void openTransaction(String key, String value) {
        openTransaction = newJedis(password).multi();
        openTransactionSet = openTransaction.set(key, value);
    }

    @Override
    protected List<Object> execOpenTransaction() {
        List<Object> replies = openTransaction.exec();
        if (replies == null) {
            throw fail("EXEC was aborted");
        }
        List<Object> texts = new ArrayList<>();
        for (Object r : replies) {
            texts.add(r instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : r);
        }
        expect("SET in the transaction", "OK", openTransactionSet.get());
        return texts;
    }

    @Override
    public void close() {
        for (Jedis j : opened) {
            try {
                j.close();
            } catch (RuntimeException ignored) {
                // A connection the checks left broken; nothing to save.
            }
        }
    }
}
