package dev.caravan.kv;

/**
 * Finds where one RESP2/RESP3 reply ends in a byte buffer without decoding it, so that a test
 * can compare replies byte for byte however they were pipelined or split by TCP.
 */
final class RespFrames {
    private RespFrames() {
    }

    /** The length of the complete reply starting at {@code from}, or -1 if {@code buf[from, to)} holds only part of it. */
    static int length(byte[] buf, int from, int to) {
        int end = frame(buf, from, to);
        return end < 0 ? -1 : end - from;
    }

    /** The index after the reply starting at {@code at}, or -1 when incomplete. */
    private static int frame(byte[] b, int at, int to) {
        if (at >= to) {
            return -1;
        }
        int eol = lineEnd(b, at, to);
        if (eol < 0) {
            return -1;
        }
        byte type = b[at];
        switch (type) {
            case '$', '=', '!' -> {
                long n = Long.parseLong(new String(b, at + 1, eol - at - 1, java.nio.charset.StandardCharsets.US_ASCII));
                if (n < 0) {
                    return eol + 2;
                }
                long end = eol + 2 + n + 2;
                return end <= to ? (int) end : -1;
            }
            case '*', '~', '%', '>', '|' -> {
                long n = Long.parseLong(new String(b, at + 1, eol - at - 1, java.nio.charset.StandardCharsets.US_ASCII));
                int p = eol + 2;
                long items = n < 0 ? 0 : (type == '%' || type == '|' ? 2 * n : n);
                for (long i = 0; i < items; i++) {
                    p = frame(b, p, to);
                    if (p < 0) {
                        return -1;
                    }
                }
                return type == '|' ? frame(b, p, to) : p;
            }
            default -> {
                return eol + 2;
            }
        }
    }

    /** Index of the CR of the CRLF ending the line at {@code at}, or -1. */
    private static int lineEnd(byte[] b, int at, int to) {
        for (int i = at; i + 1 < to; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
