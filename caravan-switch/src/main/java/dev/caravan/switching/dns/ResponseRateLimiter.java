package dev.caravan.switching.dns;

import dev.caravan.core.time.Clock;

import java.net.InetAddress;
import java.util.Arrays;

/**
 * Response rate limiting for UDP, per client address: a token bucket per address, so a forged
 * source cannot use the server to flood a victim with answers.
 *
 * <p>Each bucket holds at most {@code burst} tokens and refills at {@code ratePerSecond}; an
 * answer takes one token. When the bucket is empty the answer is dropped, except that every
 * {@code slip}-th dropped answer is sent truncated (TC, no records) instead, so a real client
 * behind a forged flood can still get through over TCP (the "slip" of BIND's RRL). TCP is not
 * limited: its handshake proves the address.
 *
 * <p>Memory is bounded: {@value #BUCKETS} buckets indexed by a hash of the address; two
 * addresses that share a bucket share its budget. For IPv6 the /64 is hashed (one host has many
 * addresses in its /64).
 *
 * <p>Threading: only the UDP thread calls it (not thread-safe).
 */
public final class ResponseRateLimiter {
    /** Decision for one answer. */
    public enum Verdict { SEND, DROP, SLIP }

    static final int BUCKETS = 4096;

    private final Clock clock;
    private final double ratePerSecond;
    private final double burst;
    private final int slip;
    private final double[] tokens = new double[BUCKETS];
    private final long[] lastNs = new long[BUCKETS];
    private final boolean[] used = new boolean[BUCKETS];
    private int dropped;

    /**
     * @param ratePerSecond answers per second per client once the burst is spent (≥ 1)
     * @param burst         answers a quiet client may get at once (≥ 1)
     * @param slip          every slip-th limited answer is sent truncated; 0 never
     */
    public ResponseRateLimiter(Clock clock, int ratePerSecond, int burst, int slip) {
        if (ratePerSecond < 1 || burst < 1 || slip < 0) {
            throw new IllegalArgumentException("rate and burst must be at least 1 and slip at least 0");
        }
        this.clock = clock;
        this.ratePerSecond = ratePerSecond;
        this.burst = burst;
        this.slip = slip;
        Arrays.fill(tokens, burst);
    }

    /** Takes a token for an answer to {@code client}. */
    public Verdict onAnswer(InetAddress client) {
        int b = bucket(client.getAddress());
        long now = clock.nanoTime();
        if (!used[b]) {
            used[b] = true;
            lastNs[b] = now;
        }
        double elapsedS = Math.max(0, now - lastNs[b]) / 1e9;
        lastNs[b] = now;
        tokens[b] = Math.min(burst, tokens[b] + elapsedS * ratePerSecond);
        if (tokens[b] >= 1) {
            tokens[b] -= 1;
            return Verdict.SEND;
        }
        dropped++;
        return slip > 0 && dropped % slip == 0 ? Verdict.SLIP : Verdict.DROP;
    }

    private static int bucket(byte[] address) {
        int n = address.length == 16 ? 8 : address.length;
        int h = 0x811c9dc5;
        for (int i = 0; i < n; i++) {
            h = (h ^ (address[i] & 0xFF)) * 0x01000193;
        }
        return (h ^ (h >>> 16)) & (BUCKETS - 1);
    }
}
