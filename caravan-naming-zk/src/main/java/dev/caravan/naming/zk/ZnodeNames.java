package dev.caravan.naming.zk;

import dev.caravan.wire.ErrorCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Entry names as single znode names, so {@code /entries} stays flat and a name's slashes make
 * no ZooKeeper parents. The encoding is percent-encoding of the name's UTF-8 bytes (RFC 3986
 * section 2.1) keeping only the unreserved characters {@code A-Z a-z 0-9 - . _ ~}: canonical (one
 * encoding per name, upper-case hex), ASCII only, so it never meets ZooKeeper's forbidden path
 * characters. The names {@code .} and {@code ..}, which ZooKeeper refuses, get their dots encoded.
 * A 1024-byte name becomes at most 3072 characters, far inside ZooKeeper's limits.
 */
final class ZnodeNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ZnodeNames() {
    }

    static String encode(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length + 16);
        for (byte x : bytes) {
            int c = x & 0xFF;
            if (unreserved(c)) {
                b.append((char) c);
            } else {
                b.append('%').append(HEX[c >>> 4]).append(HEX[c & 15]);
            }
        }
        String s = b.toString();
        return s.equals(".") || s.equals("..") ? s.replace(".", "%2E") : s;
    }

    /** @throws dev.caravan.wire.CaravanException MALFORMED for a znode name {@link #encode} cannot have written */
    static String decode(String znode) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(znode.length());
        for (int i = 0; i < znode.length(); i++) {
            char c = znode.charAt(i);
            if (c == '%') {
                if (i + 2 >= znode.length()) {
                    throw malformed(znode);
                }
                int hi = Character.digit(znode.charAt(i + 1), 16);
                int lo = Character.digit(znode.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw malformed(znode);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 128 && unreserved(c)) {
                out.write(c);
            } else {
                throw malformed(znode);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean unreserved(int c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static RuntimeException malformed(String znode) {
        return ErrorCode.MALFORMED.exception("znode name '" + znode + "' is not a percent-encoded naming entry name");
    }
}
