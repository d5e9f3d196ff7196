package dev.caravan.wire.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits an inline command line into arguments the way Redis's {@code sdssplitargs} does:
 * blanks separate words; {@code "..."} takes the escapes {@code \n \r \t \b \a \\ \" \xHH};
 * {@code '...'} takes {@code \'}; a closing quote must be followed by a blank or the end.
 */
final class InlineSplitter {
    private InlineSplitter() {
    }

    static byte[][] split(byte[] b, int from, int to) {
        List<byte[]> out = new ArrayList<>();
        int p = from;
        ByteArrayOutputStream cur = new ByteArrayOutputStream();
        while (true) {
            while (p < to && isSpace(b[p])) {
                p++;
            }
            if (p >= to) {
                return out.toArray(new byte[0][]);
            }
            cur.reset();
            boolean inDouble = false;
            boolean inSingle = false;
            boolean done = false;
            while (!done) {
                if (inDouble) {
                    if (p >= to) {
                        throw RespInput.malformed("Protocol error: unbalanced quotes in request");
                    }
                    if (b[p] == '\\' && p + 3 < to && b[p + 1] == 'x' && hex(b[p + 2]) >= 0 && hex(b[p + 3]) >= 0) {
                        cur.write(hex(b[p + 2]) * 16 + hex(b[p + 3]));
                        p += 3;
                    } else if (b[p] == '\\' && p + 1 < to) {
                        p++;
                        cur.write(switch (b[p]) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case 't' -> '\t';
                            case 'b' -> '\b';
                            case 'a' -> 7;
                            default -> b[p];
                        });
                    } else if (b[p] == '"') {
                        if (p + 1 < to && !isSpace(b[p + 1])) {
                            throw RespInput.malformed("Protocol error: unbalanced quotes in request");
                        }
                        done = true;
                    } else {
                        cur.write(b[p]);
                    }
                } else if (inSingle) {
                    if (p >= to) {
                        throw RespInput.malformed("Protocol error: unbalanced quotes in request");
                    }
                    if (b[p] == '\\' && p + 1 < to && b[p + 1] == '\'') {
                        p++;
                        cur.write('\'');
                    } else if (b[p] == '\'') {
                        if (p + 1 < to && !isSpace(b[p + 1])) {
                            throw RespInput.malformed("Protocol error: unbalanced quotes in request");
                        }
                        done = true;
                    } else {
                        cur.write(b[p]);
                    }
                } else if (p >= to || isSpace(b[p])) {
                    done = true;
                } else if (b[p] == '"') {
                    inDouble = true;
                } else if (b[p] == '\'') {
                    inSingle = true;
                } else {
                    cur.write(b[p]);
                }
                if (p < to) {
                    p++;
                }
            }
            out.add(cur.toByteArray());
        }
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x0b || c == '\f';
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
