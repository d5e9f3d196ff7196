package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP (with count) LRANGE LLEN LINDEX LSET LTRIM LREM LINSERT
 * LPOS LMOVE RPOPLPUSH over {@link PagedList}s, with redis-server 7.0's order of checks
 * ({@code t_list.c}). Process thread only.
 */
final class ListCommands {
    private final KvStore store;
    private final DataTypes types;
    private final PagedList lists;

    ListCommands(KvStore store, DataTypes types) {
        this.store = store;
        this.types = types;
        this.lists = types.lists;
    }

    Reply execute(Command c, long now) {
        return switch (c.name()) {
            case "LPUSH", "RPUSH" -> push(c, now, true);
            case "LPUSHX", "RPUSHX" -> push(c, now, false);
            case "LPOP", "RPOP" -> pop(c, now);
            case "LLEN" -> {
                long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
                yield Reply.integer(l == 0 ? 0 : lists.length(l));
            }
            case "LINDEX" -> index(c, now);
            case "LSET" -> set(c, now);
            case "LRANGE" -> range(c, now);
            case "LTRIM" -> trim(c, now);
            case "LREM" -> rem(c, now);
            case "LINSERT" -> insert(c, now);
            case "LPOS" -> pos(c, now);
            case "LMOVE" -> move(c, end(c.arg(3)), end(c.arg(4)), now);
            case "RPOPLPUSH" -> move(c, false, true, now);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    private Reply push(Command c, long now, boolean create) {
        boolean head = c.name().charAt(0) == 'L';
        long l = create ? types.findOrCreate(store, c.arg(1), KvStore.LIST, now)
                : DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return Reply.integer(0);
        }
        for (int i = 2; i < c.size(); i++) {
            lists.push(l, c.arg(i), head);
        }
        return Reply.integer(lists.length(l));
    }

    private Reply pop(Command c, long now) {
        if (c.size() > 3) {
            return Reply.wrongArity(c.name());
        }
        boolean hasCount = c.size() == 3;
        long count = hasCount ? KvError.parsePositive(c.arg(2)) : 1;
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return hasCount ? Reply.NIL_ARRAY : Reply.NIL;
        }
        boolean head = c.name().charAt(0) == 'L';
        if (!hasCount) {
            byte[] v = lists.pop(l, head);
            types.deleteIfEmpty(store, c.arg(1), KvStore.LIST, l, now);
            return new Reply.Bulk(v);
        }
        List<Reply> out = new ArrayList<>();
        for (long i = 0; i < count && lists.length(l) > 0; i++) {
            out.add(new Reply.Bulk(lists.pop(l, head)));
        }
        types.deleteIfEmpty(store, c.arg(1), KvStore.LIST, l, now);
        return new Reply.Array(out);
    }

    private Reply index(Command c, long now) {
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return Reply.NIL;
        }
        long i = KvError.parseLong(c.arg(2));
        long len = lists.length(l);
        if (i < 0) {
            i += len;
        }
        return i < 0 || i >= len ? Reply.NIL : new Reply.Bulk(lists.get(l, i));
    }

    private Reply set(Command c, long now) {
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            throw KvError.NO_SUCH_KEY;
        }
        long i = KvError.parseLong(c.arg(2));
        long len = lists.length(l);
        if (i < 0) {
            i += len;
        }
        if (i < 0 || i >= len) {
            throw new KvError("ERR index out of range");
        }
        lists.set(l, i, c.arg(3));
        return Reply.OK;
    }

    private Reply range(Command c, long now) {
        long start = KvError.parseLong(c.arg(2));
        long end = KvError.parseLong(c.arg(3));
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return new Reply.Array(List.of());
        }
        long len = lists.length(l);
        long[] r = clamp(start, end, len);
        if (r == null) {
            return new Reply.Array(List.of());
        }
        List<Reply> out = new ArrayList<>();
        for (byte[] v : lists.range(l, r[0], r[1])) {
            out.add(new Reply.Bulk(v));
        }
        return new Reply.Array(out);
    }

    private Reply trim(Command c, long now) {
        long start = KvError.parseLong(c.arg(2));
        long end = KvError.parseLong(c.arg(3));
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return Reply.OK;
        }
        long[] r = clamp(start, end, lists.length(l));
        if (r == null) {
            store.delete(c.arg(1), now);
        } else {
            lists.trim(l, r[0], r[1]);
        }
        return Reply.OK;
    }

    private Reply rem(Command c, long now) {
        long count = KvError.parseLong(c.arg(2));
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return Reply.integer(0);
        }
        long n = lists.remove(l, count, c.arg(3));
        types.deleteIfEmpty(store, c.arg(1), KvStore.LIST, l, now);
        return Reply.integer(n);
    }

    /** LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key. */
    private Reply insert(Command c, long now) {
        boolean after;
        if (ZSetCommands.is(c, 2, "AFTER")) {
            after = true;
        } else if (ZSetCommands.is(c, 2, "BEFORE")) {
            after = false;
        } else {
            throw KvError.SYNTAX;
        }
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return Reply.integer(0);
        }
        return Reply.integer(lists.insert(l, c.arg(3), c.arg(4), after) ? lists.length(l) : -1);
    }

    /** LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]. */
    private Reply pos(Command c, long now) {
        long rank = 1;
        long count = -1;
        long maxLen = 0;
        for (int j = 3; j < c.size(); j++) {
            boolean more = j + 1 < c.size();
            if (ZSetCommands.is(c, j, "RANK") && more) {
                rank = KvError.parseLong(c.arg(++j));
                if (rank == 0) {
                    throw new KvError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                            + "or use negative to start from the end of the list");
                }
            } else if (ZSetCommands.is(c, j, "COUNT") && more) {
                count = KvError.parseRange(c.arg(++j), 0, Long.MAX_VALUE, "ERR COUNT can't be negative");
            } else if (ZSetCommands.is(c, j, "MAXLEN") && more) {
                maxLen = KvError.parseRange(c.arg(++j), 0, Long.MAX_VALUE, "ERR MAXLEN can't be negative");
            } else {
                throw KvError.SYNTAX;
            }
        }
        boolean fromTail = rank < 0;
        long l = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (l == 0) {
            return count != -1 ? new Reply.Array(List.of()) : Reply.NIL;
        }
        List<Long> found = lists.positions(l, c.arg(2), fromTail ? -rank : rank, Math.max(count, 0), maxLen, fromTail);
        if (count == -1) {
            return found.isEmpty() ? Reply.NIL : Reply.integer(found.get(0));
        }
        List<Reply> out = new ArrayList<>(found.size());
        found.forEach(i -> out.add(Reply.integer(i)));
        return new Reply.Array(out);
    }

    /** LEFT (true) or RIGHT (false), any case; else a syntax error. */
    private static boolean end(byte[] word) {
        String w = new String(word, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (w.equalsIgnoreCase("LEFT")) {
            return true;
        }
        if (w.equalsIgnoreCase("RIGHT")) {
            return false;
        }
        throw KvError.SYNTAX;
    }

    /** LMOVE / RPOPLPUSH: pops from {@code source}'s head (or tail) and pushes on the destination's. */
    private Reply move(Command c, boolean fromHead, boolean toHead, long now) {
        long from = DataTypes.find(store, c.arg(1), KvStore.LIST, now);
        if (from == 0) {
            return Reply.NIL;
        }
        DataTypes.find(store, c.arg(2), KvStore.LIST, now);
        byte[] value = lists.pop(from, fromHead);
        long to = Arrays.equals(c.arg(1), c.arg(2)) ? from : types.findOrCreate(store, c.arg(2), KvStore.LIST, now);
        lists.push(to, value, toHead);
        types.deleteIfEmpty(store, c.arg(1), KvStore.LIST, from, now);
        return new Reply.Bulk(value);
    }

    /** Redis's range rules for LRANGE/LTRIM/ZRANGE: {start, end} in 0..len-1, or null when empty. */
    static long[] clamp(long start, long end, long len) {
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= len) {
            return null;
        }
        return new long[] {start, Math.min(end, len - 1)};
    }
}
