package dev.caravan.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A fast 64-bit hash of key bytes (eight bytes per step, then a murmur-style finalizer).
 * Stored in the hash table's slots, so it is part of the memory layout: changing it needs a
 * new {@link KvStore} format version. Pure; thread-safe.
 */
final class KeyHash {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long P1 = 0x9E3779B97F4A7C15L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;

    private KeyHash() {
    }

    static long hash(byte[] key) {
        int n = key.length;
        long h = P3 ^ (n * P1);
        int i = 0;
        for (; i + 8 <= n; i += 8) {
            h = Long.rotateLeft(h ^ ((long) LONGS.get(key, i) * P2), 31) * P1;
        }
        long tail = 0;
        for (int j = n - 1; j >= i; j--) {
            tail = (tail << 8) | (key[j] & 0xFF);
        }
        h = Long.rotateLeft(h ^ (tail * P2), 27) * P1;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }
}
