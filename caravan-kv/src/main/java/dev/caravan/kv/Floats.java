package dev.caravan.kv;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Floating-point text as Redis 7.0 reads and writes it: {@code strtod}'s grammar, replies
 * formatted with {@code "%.17g"}, and INCRBYFLOAT's {@code long double} arithmetic (x87, 64-bit
 * mantissa) printed with {@code "%.17Lf"} and its trailing zeros trimmed — emulated exactly
 * with {@link BigDecimal}. Hexadecimal floats ({@code 0x10}, {@code 0x1p3}) are read as
 * {@code strtod} and {@code strtold} read them. Pure.
 */
final class Floats {
    static final KvError NOT_FLOAT = new KvError("ERR value is not a valid float");
    private static final MathContext G17 = new MathContext(17, RoundingMode.HALF_EVEN);
    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final int MAX_LONG_DOUBLE_CHARS = 5 * 1024;
    private static final java.util.regex.Pattern HEX =
            java.util.regex.Pattern.compile("[+-]?0[xX]([0-9a-fA-F]+\\.?[0-9a-fA-F]*|\\.[0-9a-fA-F]+)([pP][+-]?[0-9]+)?");

    private Floats() {
    }

    /**
     * {@code strtod} over the whole text; null when it leaves characters unread or reads NaN.
     * {@code leadingBlanks} admits leading white space (range bounds do, scores do not); an
     * empty text reads as 0 as {@code strtod} does when nothing else is checked.
     */
    static Double strtod(byte[] b, int from, boolean leadingBlanks) {
        String s = new String(b, from, b.length - from, StandardCharsets.ISO_8859_1);
        int i = 0;
        if (leadingBlanks) {
            while (i < s.length() && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            if (i == s.length()) {
                return i == 0 ? 0.0 : null;
            }
        }
        String t = s.substring(i);
        String lower = t.toLowerCase(java.util.Locale.ROOT);
        String unsigned = lower.startsWith("+") || lower.startsWith("-") ? lower.substring(1) : lower;
        if (unsigned.equals("inf") || unsigned.equals("infinity")) {
            return lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        if (t.isEmpty() && i == 0) {
            return 0.0;
        }
        if (HEX.matcher(t).matches()) {
            return Double.parseDouble(t.contains("p") || t.contains("P") ? t : t + "p0");
        }
        return isDecimal(t) ? Double.parseDouble(t) : null;
    }

    /** Redis's {@code getDoubleFromObject}: no blanks, no NaN, no overflow or underflow to zero. */
    static double parseScore(byte[] b) {
        Double d = b.length == 0 || b[0] == ' ' || isSpace(b[0]) ? null : strtod(b, 0, false);
        if (d == null || (d.isInfinite() && !isInfLiteral(b)) || (d == 0 && hasNonZeroDigit(b))) {
            throw NOT_FLOAT;
        }
        return d;
    }

    /** A reply's text for {@code d}: C's {@code "%.17g"} ({@code inf}, {@code -inf}, {@code -0} included). */
    static String format(double d) {
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal r = new BigDecimal(d).round(G17);
        int exp = r.precision() - r.scale() - 1;
        if (exp < -4 || exp >= 17) {
            String digits = r.unscaledValue().abs().toString();
            String mantissa = trimZeros(digits.charAt(0) + "." + digits.substring(1));
            String e = Integer.toString(Math.abs(exp));
            return (d < 0 ? "-" : "") + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return trimZeros(r.setScale(Math.max(0, 16 - exp), RoundingMode.HALF_EVEN).toPlainString());
    }

    /** INCRBYFLOAT / HINCRBYFLOAT: {@code current + incr} in long double, as text; null when the result is not finite. */
    static String addLongDouble(BigDecimal current, BigDecimal incr) {
        BigDecimal sum = toLongDouble(current.add(incr));
        return trimZeros(sum.setScale(17, RoundingMode.HALF_EVEN).toPlainString());
    }

    /**
     * Redis's {@code string2ld}: strtold over the whole text, no leading blank, not empty, not
     * NaN; the value rounded to a long double. Null when invalid; infinities are returned as null
     * too, with {@code infinite[0]} set, since every caller rejects them.
     */
    static BigDecimal parseLongDouble(byte[] b, boolean[] infinite) {
        if (b.length == 0 || b.length >= MAX_LONG_DOUBLE_CHARS || isSpace(b[0])) {
            return null;
        }
        String t = new String(b, StandardCharsets.ISO_8859_1);
        String unsigned = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        if (unsigned.equalsIgnoreCase("inf") || unsigned.equalsIgnoreCase("infinity")) {
            infinite[0] = true;
            return null;
        }
        BigDecimal exact;
        if (HEX.matcher(t).matches()) {
            exact = hex(t);
        } else if (isDecimal(t)) {
            exact = new BigDecimal(t.startsWith("+") ? t.substring(1) : t);
        } else {
            return null;
        }
        long magnitude = (long) exact.precision() - exact.scale() - 1;
        if (exact.signum() != 0 && (magnitude > 4931 || magnitude < -4950)) {
            return null; // strtold's ERANGE: overflow, or underflow to zero
        }
        return toLongDouble(exact);
    }

    /** The exact value of a C hexadecimal float ({@code [+-]0x h.h [p[+-]d]}). */
    private static BigDecimal hex(String t) {
        boolean negative = t.startsWith("-");
        String body = t.substring(t.startsWith("+") || negative ? 3 : 2);
        int p = Math.max(body.indexOf('p'), body.indexOf('P'));
        long exp = p < 0 ? 0 : Long.parseLong(body.substring(p + 1).replace("+", ""));
        String digits = p < 0 ? body : body.substring(0, p);
        int dot = digits.indexOf('.');
        if (dot >= 0) {
            exp -= 4L * (digits.length() - dot - 1);
            digits = digits.substring(0, dot) + digits.substring(dot + 1);
        }
        BigInteger mantissa = new BigInteger(digits.isEmpty() ? "0" : digits, 16);
        if (mantissa.signum() != 0 && (exp > 20000 || exp < -20000)) {
            return new BigDecimal(exp > 0 ? "1e6000" : "1e-6000"); // beyond a long double: ERANGE below
        }
        BigDecimal v = exp >= 0 ? new BigDecimal(mantissa.shiftLeft((int) exp))
                : new BigDecimal(mantissa).divide(new BigDecimal(BigInteger.ONE.shiftLeft((int) -exp)));
        return negative ? v.negate() : v;
    }

    /** Rounds {@code v} to the nearest value with a 64-bit binary mantissa (ties to even). */
    static BigDecimal toLongDouble(BigDecimal v) {
        if (v.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal abs = v.abs();
        int e = (int) Math.floor(abs.unscaledValue().bitLength() - abs.scale() * (Math.log(10) / Math.log(2))) - 64;
        BigInteger m;
        while (true) {
            BigDecimal scaled = e >= 0 ? abs.divide(new BigDecimal(BigInteger.ONE.shiftLeft(e)))
                    : abs.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
            if (scaled.compareTo(new BigDecimal(TWO_63)) < 0) {
                e--;
            } else if (scaled.compareTo(new BigDecimal(TWO_64)) >= 0) {
                e++;
            } else {
                m = scaled.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
                break;
            }
        }
        BigDecimal r = e >= 0 ? new BigDecimal(m.shiftLeft(e)) : new BigDecimal(m).divide(new BigDecimal(BigInteger.ONE.shiftLeft(-e)));
        return v.signum() < 0 ? r.negate() : r;
    }

    private static String trimZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        String r = s.substring(0, end);
        return r.equals("-0") ? "-0" : r;
    }

    /** {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?} */
    private static boolean isDecimal(String t) {
        int i = 0;
        int n = t.length();
        if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && Character.isDigit(t.charAt(i)) && t.charAt(i) < 128) {
            i++;
            digits++;
        }
        if (i < n && t.charAt(i) == '.') {
            i++;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (t.charAt(i) == 'e' || t.charAt(i) == 'E')) {
            i++;
            if (i < n && (t.charAt(i) == '+' || t.charAt(i) == '-')) {
                i++;
            }
            int expDigits = 0;
            while (i < n && t.charAt(i) >= '0' && t.charAt(i) <= '9') {
                i++;
                expDigits++;
            }
            if (expDigits == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isInfLiteral(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        return s.endsWith("inf") || s.endsWith("infinity");
    }

    private static boolean hasNonZeroDigit(byte[] b) {
        for (byte c : b) {
            if (c == 'e' || c == 'E') {
                return false;
            }
            if (c >= '1' && c <= '9') {
                return true;
            }
        }
        return false;
    }
}
