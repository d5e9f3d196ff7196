package dev.caravan.kv;

/** Redis-style glob matching ({@code *}, {@code ?}) for CONFIG GET patterns. Pure. */
final class Glob {
    private Glob() {
    }

    /** Patterns longer than this match nothing: backtracking must stay cheap. */
    private static final int MAX_PATTERN = 256;

    static boolean matches(String pattern, String s) {
        return pattern.length() <= MAX_PATTERN && match(pattern.replaceAll("\\*+", "*"), 0, s, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi + 1, s, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (si >= s.length() || (c != '?' && c != s.charAt(si))) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
