package dev.caravan.servers.samples;

import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * A session of the HTTP sample: 128 random bits, written as 32 lower-case hex digits (the value
 * of its {@code caravan-session} cookie).
 */
record SessionId(long high, long low) {
    private static final HexFormat HEX = HexFormat.of();

    static SessionId random(RandomGenerator random) {
        return new SessionId(random.nextLong(), random.nextLong());
    }

    /** The id a cookie value names, or null when it is not 32 hex digits. */
    static SessionId parse(String cookie) {
        if (cookie == null || cookie.length() != 32) {
            return null;
        }
        for (int i = 0; i < 32; i++) {
            if (Character.digit(cookie.charAt(i), 16) < 0) {
                return null;
            }
        }
        return new SessionId(HexFormat.fromHexDigitsToLong(cookie, 0, 16), HexFormat.fromHexDigitsToLong(cookie, 16, 32));
    }

    @Override
    public String toString() {
        return HEX.toHexDigits(high) + HEX.toHexDigits(low);
    }
}
