package dev.caravan.cli.bench.kv;

import dev.caravan.client.KvFiller;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;

/**
 * Bytes of memory per key: {@code keys} keys {@code key:<i>} with {@code valueBytes}-byte values,
 * loaded by pipelined SETs ({@link KvFiller}) into an empty store, divided into the growth of
 * what the store reports. For redis-server that is {@code used_memory} (INFO memory: what its
 * allocator handed out). For Caravan's kv process it is both its {@code used_memory} (bytes in
 * allocated blocks of its paged heap, headers and size-class rounding included) and the
 * off-heap memory the process holds ({@code caravan ps}'s MEMORY: every page it has, free
 * blocks and hash-table growth included): the second is what a node pays, and what the target
 * is checked against.
 */
public record MemoryPerKey(long keys, int valueBytes, long redisUsedBytes, long kvUsedBytes, long kvHeldBytes) {
    /** Per key, in bytes. */
    public double redisPerKey() {
        return (double) redisUsedBytes / keys;
    }

    public double kvUsedPerKey() {
        return (double) kvUsedBytes / keys;
    }

    public double kvHeldPerKey() {
        return (double) kvHeldBytes / keys;
    }

    /** Held memory per key over redis-server's used_memory per key. */
    public double ratio() {
        return kvHeldPerKey() / redisPerKey();
    }

    /**
     * Loads both stores and measures them. redis-server is flushed first; the kv process must be
     * empty (a freshly deployed one).
     *
     * @param kvHeldBytes reads the off-heap bytes the kv process holds now
     */
    public static MemoryPerKey measure(InetSocketAddress redis, InetSocketAddress kv, LongSupplier kvHeldBytes, int keys,
                                       int valueBytes) throws IOException {
        try (RespConnection r = new RespConnection(redis)) {
            expectOk(r.call("FLUSHALL"), "FLUSHALL on redis-server");
        }
        long redisBefore = usedMemory(redis);
        KvFiller.fill(redis, keys, valueBytes);
        long redisAfter = usedMemory(redis);

        long kvBefore = usedMemory(kv);
        long heldBefore = kvHeldBytes.getAsLong();
        KvFiller.fill(kv, keys, valueBytes);
        long kvAfter = usedMemory(kv);
        long heldAfter = kvHeldBytes.getAsLong();
        expectKeys(kv, keys);
        expectKeys(redis, keys);
        return new MemoryPerKey(keys, valueBytes, redisAfter - redisBefore, kvAfter - kvBefore, heldAfter - heldBefore);
    }

    /** {@code used_memory} from {@code INFO memory}. */
    static long usedMemory(InetSocketAddress target) throws IOException {
        try (RespConnection c = new RespConnection(target)) {
            Reply r = c.call("INFO", "memory");
            if (!(r instanceof Reply.Bulk b)) {
                throw ErrorCode.UNAVAILABLE.exception("INFO memory at " + target + " answered " + r);
            }
            for (String line : new String(b.value(), StandardCharsets.UTF_8).split("\r\n")) {
                if (line.startsWith("used_memory:")) {
                    return Long.parseLong(line.substring("used_memory:".length()).trim());
                }
            }
            throw ErrorCode.UNAVAILABLE.exception("INFO memory at " + target + " has no used_memory");
        }
    }

    private static void expectKeys(InetSocketAddress target, long keys) throws IOException {
        try (RespConnection c = new RespConnection(target)) {
            Reply r = c.call("DBSIZE");
            if (!(r instanceof Reply.Int n) || n.value() != keys) {
                throw ErrorCode.INTERNAL.exception("after loading " + keys + " keys, DBSIZE at " + target + " answered " + r);
            }
        }
    }

    private static void expectOk(Reply r, String what) {
        if (!(r instanceof Reply.Simple)) {
            throw ErrorCode.UNAVAILABLE.exception(what + " answered " + r);
        }
    }
}
