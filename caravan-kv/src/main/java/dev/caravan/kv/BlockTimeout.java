package dev.caravan.kv;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The timeout argument of a blocking command, in seconds, read as redis-server 7.0.15's
 * {@code getTimeoutFromObjectOrReply(..., UNIT_SECONDS)} reads it: {@code string2ld} (strtold
 * over the whole text, decimal or hexadecimal, no leading blank, no NaN, no overflow or
 * underflow to zero), then {@code (long long) ceill(seconds * 1000.0)} in x87 long double,
 * where a value out of the {@code long long} range becomes {@code LLONG_MIN}. So a tiny
 * positive timeout is one millisecond, {@code -0.0001} and {@code 0} wait forever, and
 * {@code inf} or {@code 1e17} are "negative". Pure.
 */
final class BlockTimeout {
    static final KvError NOT_FLOAT = new KvError("ERR timeout is not a float or out of range");
    static final KvError NEGATIVE = new KvError("ERR timeout is negative");

    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final Pattern HEX = Pattern.compile("([+-]?)0[xX]([0-9a-fA-F]*)(?:\\.([0-9a-fA-F]*))?(?:[pP]([+-]?[0-9]+))?");
    /** Binary exponents beyond the x87 long double's range: overflow above, underflow to zero below. */
    private static final int MAX_BINARY_EXPONENT = 16384;
    private static final int MIN_BINARY_EXPONENT = -16445;

    private BlockTimeout() {
    }

    /**
     * The absolute deadline in clock milliseconds for a timeout of {@code seconds} given at
     * {@code nowMs}; 0 for none (a zero timeout, or one so far ahead that redis-server's
     * deadline overflows and never comes).
     *
     * @throws KvError {@link #NOT_FLOAT} or {@link #NEGATIVE}, worded as redis-server's
     */
    static long deadlineMs(byte[] seconds, long nowMs) {
        long ms = milliseconds(seconds);
        if (ms < 0) {
            throw NEGATIVE;
        }
        if (ms == 0) {
            return 0;
        }
        long deadline = nowMs + ms;
        return deadline < nowMs ? 0 : deadline;
    }

    /** {@code (long long) ceill(seconds * 1000.0)}, or NOT_FLOAT. */
    static long milliseconds(byte[] seconds) {
        boolean[] infinite = new boolean[1];
        BigDecimal s = Floats.parseLongDouble(seconds, infinite);
        if (s == null && !infinite[0]) {
            s = parseHex(seconds);
            if (s == null) {
                throw NOT_FLOAT;
            }
        }
        if (s == null) {
            return Long.MIN_VALUE; // x87 converts an infinity to LLONG_MIN
        }
        BigDecimal ms = Floats.toLongDouble(s.multiply(THOUSAND)).setScale(0, RoundingMode.CEILING);
        if (ms.compareTo(LONG_MIN) < 0 || ms.compareTo(LONG_MAX) > 0) {
            return Long.MIN_VALUE;
        }
        return ms.longValueExact();
    }

    /** strtold's hexadecimal form ({@code 0x1.8p3}); null when it is not one, or out of range. */
    private static BigDecimal parseHex(byte[] b) {
        if (b.length == 0 || b.length >= 5 * 1024 || isSpace(b[0])) {
            return null;
        }
        Matcher m = HEX.matcher(new String(b, StandardCharsets.ISO_8859_1));
        if (!m.matches()) {
            return null;
        }
        String whole = m.group(2);
        String fraction = m.group(3) == null ? "" : m.group(3);
        if (whole.isEmpty() && fraction.isEmpty()) {
            return null; // "0x" alone: strtold reads the 0 and leaves the x
        }
        BigInteger mantissa = new BigInteger(whole + fraction, 16);
        long exponent;
        try {
            exponent = m.group(4) == null ? 0 : Long.parseLong(m.group(4));
        } catch (NumberFormatException e) {
            exponent = m.group(4).startsWith("-") ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
        exponent -= 4L * fraction.length();
        if (mantissa.signum() != 0) {
            long top = exponent + mantissa.bitLength();
            if (top > MAX_BINARY_EXPONENT || top < MIN_BINARY_EXPONENT) {
                return null; // ERANGE: HUGE_VAL, or an underflow to zero
            }
            if (top > 80) {
                // Far beyond LLONG_MAX milliseconds: any value this large converts to LLONG_MIN alike.
                exponent = 80 - mantissa.bitLength();
            } else if (top < -40) {
                // Below a microsecond of a millisecond: only its sign matters to ceill.
                exponent = -40 - mantissa.bitLength();
            }
        }
        BigDecimal v = exponent >= 0 ? new BigDecimal(mantissa.shiftLeft((int) exponent))
                : new BigDecimal(mantissa).divide(new BigDecimal(BigInteger.ONE.shiftLeft((int) -exponent)));
        v = Floats.toLongDouble(v);
        return m.group(1).equals("-") ? v.negate() : v;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
