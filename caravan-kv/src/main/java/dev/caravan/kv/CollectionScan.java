package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * HSCAN, SSCAN and ZSCAN key cursor [MATCH pattern] [COUNT count], as redis-server 7.0's
 * {@code scanGenericCommand} over one collection: the cursor is read first, then the key (a
 * missing key is an empty, finished scan; another type is WRONGTYPE), then the options (TYPE is
 * a syntax error here). A hash of at most {@value #WHOLE_HASH_ENTRIES} fields, a set or sorted
 * set of at most {@value #WHOLE_ENTRIES} elements is returned whole with cursor 0, in the order Redis's compact encodings keep (a hash's insertion order, a
 * sorted set's score order), as redis-server returns its listpack and intset collections; a
 * larger one is walked bucket by bucket ({@link PagedDict#scanBucket}), about COUNT elements
 * per call, so that every element present for the whole scan is returned at least once. Hashes
 * and sorted sets reply field/value and member/score pairs, flat (scores as bulk strings, as
 * {@code %.17g} prints them); the pattern applies to the field or member. Process thread only.
 */
final class CollectionScan {
    /** Redis 7.0's default {@code hash-max-listpack-entries}: a hash this small is scanned whole. */
    static final int WHOLE_HASH_ENTRIES = 512;
    /** Sets and sorted sets this small are scanned whole ({@code zset-max-listpack-entries}). */
    static final int WHOLE_ENTRIES = 128;

    private CollectionScan() {
    }

    static Reply execute(KvStore store, DataTypes types, Command c, int type, long now) {
        long cursor = ScanCommand.parseCursor(c.arg(2));
        long object = DataTypes.find(store, c.arg(1), type, now);
        if (object == 0) {
            return reply(0, List.of());
        }
        long count = 10;
        byte[] pattern = null;
        for (int i = 3; i < c.size(); i += 2) {
            boolean more = i + 1 < c.size();
            if (ZSetCommands.is(c, i, "COUNT") && more) {
                count = KvError.parseLong(c.arg(i + 1));
                if (count < 1) {
                    throw KvError.SYNTAX;
                }
            } else if (ZSetCommands.is(c, i, "MATCH") && more) {
                pattern = c.arg(i + 1);
                if (pattern.length == 1 && pattern[0] == '*') {
                    pattern = null;
                }
            } else {
                throw KvError.SYNTAX;
            }
        }
        PagedDict dict = types.dicts;
        long d = type == KvStore.ZSET ? types.zsets.members(object) : object;
        List<byte[]> items = new ArrayList<>();
        boolean pairs = type != KvStore.SET;
        if (dict.count(d) <= (type == KvStore.HASH ? WHOLE_HASH_ENTRIES : WHOLE_ENTRIES)) {
            if (type == KvStore.ZSET) {
                SkipList index = types.zsets.index();
                for (long n = index.head(SortedSet.order(object)); n != 0; n = index.next(n)) {
                    items.add(types.zsets.member(n));
                    items.add(Floats.format(index.score(n)).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                }
            } else {
                for (long e = dict.first(d); e != 0; e = dict.next(e)) {
                    add(items, dict, e, type, types);
                }
            }
            cursor = 0;
        } else {
            long want = pairs ? count * 2 : count;
            long maxBuckets = want > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : want * 10;
            do {
                cursor = dict.scanBucket(d, cursor, e -> add(items, dict, e, type, types));
            } while (cursor != 0 && --maxBuckets > 0 && items.size() < want);
        }
        List<Reply> out = new ArrayList<>(items.size());
        int step = pairs ? 2 : 1;
        for (int i = 0; i < items.size(); i += step) {
            if (pattern == null || Glob.matches(pattern, items.get(i))) {
                out.add(new Reply.Bulk(items.get(i)));
                if (pairs) {
                    out.add(new Reply.Bulk(items.get(i + 1)));
                }
            }
        }
        return reply(cursor, out);
    }

    private static void add(List<byte[]> items, PagedDict dict, long e, int type, DataTypes types) {
        items.add(dict.key(e));
        switch (type) {
            case KvStore.HASH -> items.add(dict.value(e));
            case KvStore.ZSET -> items.add(Floats.format(types.zsets.index().score(dict.valueLong(e)))
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            default -> {
            }
        }
    }

    /** {@code [cursor, [items…]]}. */
    static Reply reply(long cursor, List<Reply> items) {
        return new Reply.Array(List.of(Reply.bulk(Long.toUnsignedString(cursor)), new Reply.Array(items)));
    }
}
