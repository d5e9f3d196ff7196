package dev.caravan.systemtests.clients;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The checklist with Lettuce ({@code io.lettuce:lettuce-core}): one {@link RedisClient} and its default options
 * (HELLO 3 first, falling back to RESP2; auto-reconnect; 60 s command timeout), a String connection's sync API, the
 * async API for the pipeline (commands are written as they are issued and awaited together), and a
 * {@link ByteArrayCodec} connection for binary data. The only setting made is the password, in the {@link RedisURI}.
 */
final class LettuceChecklist extends ClientChecklist {
    private final RedisClient client;
    private final List<StatefulRedisConnection<?, ?>> opened = new ArrayList<>();
    private StatefulRedisConnection<String, String> connection;
    private RedisCommands<String, String> sync;
    private RedisCommands<byte[], byte[]> binarySync;
    private RedisCommands<String, String> openTransaction;

    LettuceChecklist(String host, int port, String password) {
        super("lettuce", host, port, password);
        this.client = RedisClient.create(uri(password));
    }

    private RedisURI uri(String pass) {
        RedisURI.Builder b = RedisURI.builder().withHost(host).withPort(port);
        return (pass == null ? b : b.withPassword(pass.toCharArray())).build();
    }

    private StatefulRedisConnection<String, String> newConnection() {
        StatefulRedisConnection<String, String> c = client.connect();
        opened.add(c);
        return c;
    }

    @Override
    protected String connect() {
        connection = newConnection();
        sync = connection.sync();
        expect("PING", "PONG", sync.ping());
        return "connect() and PING answered";
    }

    @Override
    protected String setGet(String key) {
        expect("SET", "OK", sync.set(key, "value-1"));
        expect("GET", "value-1", sync.get(key));
        expect("GET of a missing key", null, sync.get(key + ":missing"));
        return "SET then GET round-trips; a missing key is null";
    }

    @Override
    protected String binary(byte[] key) {
        StatefulRedisConnection<byte[], byte[]> c = client.connect(ByteArrayCodec.INSTANCE);
        opened.add(c);
        binarySync = c.sync();
        expect("SET", "OK", binarySync.set(key, ALL_BYTES));
        expect("GET", ALL_BYTES, binarySync.get(key));
        return "a key and a value holding all 256 byte values round-trip (ByteArrayCodec connection)";
    }

    @Override
    protected String pipeline(String keyPrefix) {
        RedisAsyncCommands<String, String> async = connection.async();
        List<RedisFuture<String>> replies = new ArrayList<>();
        for (int i = 0; i < PIPELINE_COMMANDS / 2; i++) {
            replies.add(async.set(keyPrefix + i, Integer.toString(i)));
            replies.add(async.get(keyPrefix + i));
        }
        awaitAll(replies);
        for (int i = 0; i < PIPELINE_COMMANDS / 2; i++) {
            expect("reply " + (2 * i), "OK", replies.get(2 * i).resultNow());
            expect("reply " + (2 * i + 1), Integer.toString(i), replies.get(2 * i + 1).resultNow());
        }
        return PIPELINE_COMMANDS + " async commands in flight together, replies in order";
    }

    private static void awaitAll(List<? extends RedisFuture<?>> futures) {
        if (!LettuceFutures.awaitAll(Duration.ofSeconds(10), futures.toArray(RedisFuture[]::new))) {
            throw fail("not every reply came within 10 s");
        }
    }

    @Override
    protected String transaction(String key) {
        expect("MULTI", "OK", sync.multi());
        sync.set(key, "1");
        sync.incr(key);
        sync.get(key);
        TransactionResult result = sync.exec();
        expect("EXEC discarded", false, result.wasDiscarded());
        expect("EXEC replies", List.of("OK", 2L, "2"), result.stream().toList());
        return "multi(), set/incr/get, exec(): OK, 2, \"2\"";
    }

    @Override
    protected String transactionWatch(String key) {
        sync.set(key, "original");
        RedisCommands<String, String> other = newConnection().sync();
        expect("WATCH", "OK", sync.watch(key));
        other.set(key, "changed-by-other");
        sync.multi();
        sync.set(key, "mine");
        TransactionResult result = sync.exec();
        if (!result.wasDiscarded()) {
            throw fail("EXEC ran although a watched key changed: " + result.stream().toList());
        }
        expect("value after the aborted EXEC", "changed-by-other", sync.get(key));
        return "watch(), a write by another connection, exec() was discarded";
    }

    @Override
    protected String expireTtl(String key, String persistent, String missing) {
        sync.set(key, "v");
        sync.set(persistent, "v");
        expect("EXPIRE", true, sync.expire(key, 100));
        long ttl = sync.ttl(key);
        expectTtl("TTL after EXPIRE 100", 90, 100, ttl);
        expect("TTL of a key without expiry", -1L, sync.ttl(persistent));
        expect("TTL of a missing key", -2L, sync.ttl(missing));
        return "TTL " + ttl + " after EXPIRE 100; -1 without expiry; -2 when missing";
    }

    @Override
    protected String hash(String key) {
        expect("HSET of 3 new fields", 3L, sync.hset(key, HASH));
        expect("HGETALL", HASH, sync.hgetall(key));
        expect("HGET", "v1", sync.hget(key, "f1"));
        return "hset of a map of 3 fields, hgetall and hget";
    }

    @Override
    protected String list(String key) {
        expect("RPUSH", 3L, sync.rpush(key, LIST.toArray(String[]::new)));
        expect("LRANGE 0 -1", LIST, sync.lrange(key, 0, -1));
        expect("LRANGE 1 1", List.of("b"), sync.lrange(key, 1, 1));
        return "rpush a b c, lrange";
    }

    @Override
    protected String auth(String key) {
        expectRefused(null, "without the password", NOAUTH_HELLO, key);
        expectRefused(password + "-wrong", "with a wrong password", WRONGPASS, key);
        return "refused with NOAUTH without the password, WRONGPASS with a wrong one";
    }

    /**
     * Lettuce's own race (RedisClient.initializeChannelAsync0): when the handshake has already failed and torn the pipeline
     * down before the connect listener runs — a heavily loaded machine — it reports this instead of the server's error.
     */
    private static final String LETTUCE_HANDSHAKE_RACE = "RedisHandshakeHandler not registered";

    private void expectRefused(String pass, String how, String message, String key) {
        String seen = null;
        // The server's refusal is what must reach the caller; only Lettuce's race above hides it, so that alone is asked again.
        for (int attempt = 0; attempt < 3 && (seen == null || seen.equals(LETTUCE_HANDSHAKE_RACE)); attempt++) {
            RedisClient probe = RedisClient.create(uri(pass));
            try (StatefulRedisConnection<String, String> c = probe.connect()) {
                String reply = c.sync().get(key);
                throw fail("GET " + how + " answered " + reply);
            } catch (RuntimeException e) {
                seen = rootMessage(e);
            } finally {
                probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        }
        expect("error " + how, message, seen);
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
        return sync.clientId();
    }

    @Override
    protected long incr(String key) {
        return sync.incr(key);
    }

    @Override
    protected String get(String key) {
        return sync.get(key);
    }

    @Override
    protected String kept(String phase) {
        expect("binary value", ALL_BYTES, binarySync.get(binaryKey(phase)));
        expect("hash", HASH, sync.hgetall(key(phase, "h")));
        expect("list", LIST, sync.lrange(key(phase, "l"), 0, -1));
        RedisAsyncCommands<String, String> async = connection.async();
        List<RedisFuture<String>> gets = new ArrayList<>();
        for (int i = 0; i < PIPELINE_COMMANDS / 2; i++) {
            gets.add(async.get(key(phase, "p:") + i));
        }
        awaitAll(gets);
        for (int i = 0; i < gets.size(); i++) {
            expect("pipelined key " + i, Integer.toString(i), gets.get(i).resultNow());
        }
        expectTtl("TTL of the expiring key", 1, 100, sync.ttl(key(phase, "ttl")));
        return "binary value, hash, list, " + gets.size() + " pipelined keys and a TTL are intact";
    }

    @Override
    protected void openTransaction(String key, String value) {
        openTransaction = newConnection().sync();
        expect("MULTI", "OK", openTransaction.multi());
        openTransaction.set(key, value);
    }

    @Override
    protected List<Object> execOpenTransaction() {
        TransactionResult result = openTransaction.exec();
        if (result.wasDiscarded()) {
            throw fail("EXEC was aborted");
        }
        return result.stream().toList();
    }

    @Override
    public void close() {
        for (StatefulRedisConnection<?, ?> c : opened) {
            c.closeAsync();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
