package dev.caravan.kv;

import java.nio.charset.StandardCharsets;

/**
 * Redis's glob matching ({@code stringmatchlen}): {@code *}, {@code ?}, {@code [abc]},
 * {@code [^a-z]}, {@code \x}, over bytes, for KEYS, SCAN MATCH and CONFIG GET. A star
 * backtracks to the last star only (each other token consumes exactly one byte), so a
 * match costs at most pattern × subject steps. Pure.
 */
final class Glob {
    private Glob() {
    }

    static boolean matches(String pattern, String s) {
        return matches(pattern.getBytes(StandardCharsets.UTF_8), s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * As {@link #matches(byte[], byte[])} with Redis's {@code nocase}: ASCII letters compare
     * without case (ranges included), as C's {@code tolower} makes them.
     */
    static boolean matchesIgnoringCase(byte[] p, byte[] s) {
        return matches(lower(p), lower(s));
    }

    private static byte[] lower(byte[] b) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] >= 'A' && out[i] <= 'Z') {
                out[i] += 'a' - 'A';
            }
        }
        return out;
    }

    static boolean matches(byte[] p, byte[] s) {
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = 0;
        while (si < s.length) {
            if (pi < p.length && p[pi] == '*') {
                starP = ++pi;
                starS = si;
                continue;
            }
            int next = pi < p.length ? matchOne(p, pi, s[si]) : -1;
            if (next >= 0) {
                pi = next;
                si++;
            } else if (starP >= 0) {
                pi = starP;
                si = ++starS;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }

    /** If the token at {@code p[pi]} matches {@code c}, the index after the token; else -1. */
    private static int matchOne(byte[] p, int pi, byte c) {
        switch (p[pi]) {
            case '?':
                return pi + 1;
            case '[':
                return matchClass(p, pi + 1, c);
            case '\\':
                if (pi + 1 < p.length) {
                    pi++;
                }
                return p[pi] == c ? pi + 1 : -1;
            default:
                return p[pi] == c ? pi + 1 : -1;
        }
    }

    private static int matchClass(byte[] p, int pi, byte c) {
        boolean not = pi < p.length && p[pi] == '^';
        if (not) {
            pi++;
        }
        boolean match = false;
        while (true) {
            if (pi >= p.length) {
                pi--; // an unclosed class ends at the pattern's last byte, as Redis reads it
                break;
            }
            if (p[pi] == '\\' && pi + 1 < p.length) {
                pi++;
                if (p[pi] == c) {
                    match = true;
                }
            } else if (p[pi] == ']') {
                break;
            } else if (pi + 2 < p.length && p[pi + 1] == '-') {
                int start = p[pi];
                int end = p[pi + 2];
                if (start > end) {
                    int t = start;
                    start = end;
                    end = t;
                }
                pi += 2;
                if (c >= start && c <= end) {
                    match = true;
                }
            } else if (p[pi] == c) {
                match = true;
            }
            pi++;
        }
        return match != not ? pi + 1 : -1;
    }
}
