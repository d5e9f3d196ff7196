package dev.caravan.switching.resp;

import dev.caravan.switching.Backend;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where a key lives among a route's members: rendezvous (highest random weight) hashing,
 * Thaler &amp; Ravishankar 1998. Each member scores {@code mix(hash(key) ^ hash(member id))}; the
 * highest score is the key's home (ties, which need equal 64-bit scores, go to the first id).
 *
 * <pre>
 *   members {kv-1, kv-2, kv-3}          key "user:7"
 *   score(kv-1) = 0x3f…   score(kv-2) = 0xd1…  ◀ home   score(kv-3) = 0x8a…
 *   kv-4 joins: only keys where kv-4 now scores highest move (≈ 1/4 of them), all to kv-4
 *   kv-2 leaves: only kv-2's keys move, each to its second-highest member
 * </pre>
 *
 * Scores depend only on the key's bytes and the member ids (FNV-1a 64 over bytes, finished with
 * MurmurHash3's {@code fmix64}), so every switch, in every run, places a key alike.
 *
 * <p>Threading: stateless; any thread.
 */
final class KeyPlacement {
    private KeyPlacement() {
    }

    /** The home of {@code key} among {@code members} (each with its {@link #memberHash}); null when there are none. */
    static Backend homeOf(byte[] key, List<Backend> members, long[] memberHashes) {
        long k = hash(key);
        Backend best = null;
        long bestScore = 0;
        for (int i = 0; i < members.size(); i++) {
            long score = mix(k ^ memberHashes[i]);
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = members.get(i);
                bestScore = score;
            }
        }
        return best;
    }

    /** The hash a member contributes to every score: its id's. */
    static long memberHash(String id) {
        return mix(hash(id.getBytes(StandardCharsets.UTF_8)) + 0x9e3779b97f4a7c15L);
    }

    static long hash(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte b : bytes) {
            h ^= b & 0xff;
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
