package dev.caravan.servers.http;

import java.nio.charset.StandardCharsets;

/**
 * Reading and building header blocks: zero or more lines {@code Name: value\r\n}, the form
 * {@link HttpRequest#headers()} holds and a process's HTTP reply carries (see
 * {@link HttpExchange}). Text is ISO-8859-1, as HTTP/1.1 header bytes are (RFC 9110 §5.5).
 * Stateless; thread-safe.
 */
public final class HttpHeaders {
    private HttpHeaders() {
    }

    /** The value of the first line named {@code name} (ASCII case-insensitive), or null. */
    public static String find(byte[] block, String name) {
        int line = 0;
        while (line < block.length) {
            int end = lineEnd(block, line);
            int colon = indexOf(block, line, end, (byte) ':');
            if (colon - line == name.length() && regionMatches(block, line, name)) {
                int from = colon + 1;
                while (from < end && block[from] == ' ') {
                    from++;
                }
                return new String(block, from, end - from, StandardCharsets.ISO_8859_1);
            }
            line = end + 2;
        }
        return null;
    }

    /**
     * The value of cookie {@code name} in the {@code Cookie} header lines of {@code block}
     * ({@code a=1; b=2}, RFC 6265 §5.4), or null.
     */
    public static String cookie(byte[] block, String name) {
        int line = 0;
        while (line < block.length) {
            int end = lineEnd(block, line);
            int colon = indexOf(block, line, end, (byte) ':');
            if (colon - line == 6 && regionMatches(block, line, "cookie")) {
                String value = new String(block, colon + 1, end - colon - 1, StandardCharsets.ISO_8859_1);
                for (String pair : value.split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                        return pair.substring(eq + 1).trim();
                    }
                }
            }
            line = end + 2;
        }
        return null;
    }

    /** A block from names and values given alternately: {@code block("Content-Type", "text/html")}. */
    public static String block(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values come in pairs");
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.append(namesAndValues[i]).append(": ").append(namesAndValues[i + 1]).append("\r\n");
        }
        return b.toString();
    }

    static int lineEnd(byte[] block, int from) {
        for (int i = from; i + 1 < block.length; i++) {
            if (block[i] == '\r' && block[i + 1] == '\n') {
                return i;
            }
        }
        return block.length;
    }

    static int indexOf(byte[] block, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (block[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionMatches(byte[] block, int from, String name) {
        for (int i = 0; i < name.length(); i++) {
            int c = block[from + i] & 0xFF;
            int n = name.charAt(i);
            if (c != n && Character.toLowerCase(c) != Character.toLowerCase(n)) {
                return false;
            }
        }
        return true;
    }
}
