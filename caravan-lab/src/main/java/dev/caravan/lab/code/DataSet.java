package dev.caravan.lab.code;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The lab's data: {@code keys} string values of {@code valueBytes} lower-case letters each,
 * derived from the key's index alone (so that the count of matches is known), with the word
 * {@value #NEEDLE} written into about one value in {@value #ONE_IN}. The pattern
 * {@value #PATTERN} matches exactly those.
 */
public record DataSet(long keys, int valueBytes) {
    public static final String NEEDLE = "needle";
    public static final String PATTERN = "ne+dle";
    static final int ONE_IN = 10;

    public DataSet {
        if (keys < 1 || valueBytes < NEEDLE.length() + 1) {
            throw new IllegalArgumentException("a data set needs at least one key and values of at least "
                    + (NEEDLE.length() + 1) + " bytes");
        }
    }

    /** As many keys of {@code valueBytes} as make {@code totalBytes} of values. */
    public static DataSet ofSize(long totalBytes, int valueBytes) {
        return new DataSet(Math.max(1, totalBytes / valueBytes), valueBytes);
    }

    public static byte[] key(long i) {
        return ("key:" + i).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whether value {@code i} holds the needle. */
    public static boolean hasNeedle(long i) {
        return mix(i) % ONE_IN == 0;
    }

    /** The value of key {@code i}. */
    public byte[] value(long i) {
        byte[] v = new byte[valueBytes];
        long s = mix(i);
        for (int j = 0; j < v.length; j++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            // 'a'..'y' without 'e': letters alone never spell the needle.
            int c = (int) ((s >>> 33) % 24);
            v[j] = (byte) ('a' + c + (c >= 4 ? 1 : 0));
        }
        if (hasNeedle(i)) {
            int at = (int) (Long.remainderUnsigned(s, valueBytes - NEEDLE.length()));
            System.arraycopy(NEEDLE.getBytes(StandardCharsets.US_ASCII), 0, v, at, NEEDLE.length());
        }
        return v;
    }

    /** How many of the values hold the needle. */
    public long expectedMatches() {
        long n = 0;
        for (long i = 0; i < keys; i++) {
            if (hasNeedle(i)) {
                n++;
            }
        }
        return n;
    }

    public long totalValueBytes() {
        return keys * valueBytes;
    }

    /** Whether {@code value}, read as ISO-8859-1 text, contains a match of {@code pattern}. */
    public static boolean matches(Pattern pattern, byte[] value) {
        return pattern.matcher(new String(value, StandardCharsets.ISO_8859_1)).find();
    }

    private static long mix(long i) {
        long z = i + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & Long.MAX_VALUE;
    }
}
