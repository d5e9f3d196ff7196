package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SCAN cursor [MATCH pattern] [COUNT count] [TYPE type], as Redis 7.0's
 * {@code scanGenericCommand}: the cursor is read as {@code strtoul} reads it, options are
 * checked before any key is visited, about COUNT home buckets are visited per call (at most
 * ten times as many while fewer keys than COUNT were found), and filters apply after the visit.
 * Which keys a cursor is guaranteed to return is {@link KvStore}'s to say.
 */
final class ScanCommand {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private ScanCommand() {
    }

    static Reply execute(KvStore store, Command c, long nowMs) {
        long cursor = parseCursor(c.arg(1));
        long count = 10;
        byte[] pattern = null;
        String type = null;
        for (int i = 2; i < c.size(); ) {
            int left = c.size() - i;
            String opt = c.text(i).toLowerCase(Locale.ROOT);
            if (opt.equals("count") && left >= 2) {
                count = KvError.parseLong(c.arg(i + 1));
                if (count < 1) {
                    throw KvError.SYNTAX;
                }
                i += 2;
            } else if (opt.equals("match") && left >= 2) {
                pattern = c.arg(i + 1);
                if (pattern.length == 1 && pattern[0] == '*') {
                    pattern = null;
                }
                i += 2;
            } else if (opt.equals("type") && left >= 2) {
                type = c.text(i + 1);
                i += 2;
            } else {
                throw KvError.SYNTAX;
            }
        }
        List<Long> found = new ArrayList<>();
        long maxBuckets = count > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : count * 10;
        do {
            cursor = store.scanBucket(cursor, nowMs, found::add);
        } while (cursor != 0 && --maxBuckets > 0 && found.size() < count);
        List<Reply> keys = new ArrayList<>(found.size());
        for (long rec : found) {
            byte[] k = store.key(rec);
            if ((pattern == null || Glob.matches(pattern, k))
                    && (type == null || type.equalsIgnoreCase(DataTypes.name(store.type(rec))))) {
                keys.add(new Reply.Bulk(k));
            }
        }
        String next = Long.toUnsignedString(cursor);
        return new Reply.Array(List.of(new Reply.Bulk(next.getBytes(StandardCharsets.US_ASCII)), new Reply.Array(keys)));
    }

    /** {@code strtoul}: optional sign, decimal digits (none reads as 0), wrapping negatives; overflow is an error. */
    static long parseCursor(byte[] b) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String digits = s.substring(i);
        if (!digits.chars().allMatch(ch -> ch >= '0' && ch <= '9') || (digits.isEmpty() && i > 0)) {
            throw new KvError("ERR invalid cursor");
        }
        BigInteger v = digits.isEmpty() ? BigInteger.ZERO : new BigInteger(digits);
        if (v.compareTo(TWO_64) >= 0) {
            throw new KvError("ERR invalid cursor");
        }
        return negative ? -v.longValue() : v.longValue();
    }
}
