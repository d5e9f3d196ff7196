package dev.caravan.switching.policy;

/**
 * The 64-bit hashes the key-based policies place keys and backends with: FNV-1a over the
 * string's UTF-16 code units, finished with MurmurHash3's {@code fmix64} so that similar strings
 * ({@code key:1}, {@code key:2}) land far apart.
 *
 * <p>Stable across JVMs and runs (unlike {@link String#hashCode()} spread, which is weak in the
 * low bits), so two switches in front of the same set place keys alike.
 */
final class KeyHash {
    private KeyHash() {
    }

    static long of(String text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** MurmurHash3's 64-bit finalizer: every input bit affects every output bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
