package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.Arrays;

/** APPEND STRLEN GETRANGE SETRANGE: byte ranges of string values. Process thread only. */
final class StringRangeCommands {
    /** Redis's {@code proto-max-bulk-len}: the longest string a write may make. */
    static final long MAX_STRING_BYTES = 512L * 1024 * 1024;
    private static final KvError TOO_BIG = new KvError("ERR string exceeds maximum allowed size (proto-max-bulk-len)");

    private StringRangeCommands() {
    }

    static Reply execute(KvStore store, Command c, long nowMs) {
        return switch (c.name()) {
            case "APPEND" -> append(store, c, nowMs);
            case "STRLEN" -> {
                long rec = StringCommands.find(store, c.arg(1), nowMs);
                yield Reply.integer(rec == 0 ? 0 : store.value(rec).length);
            }
            case "GETRANGE", "SUBSTR" -> getrange(store, c, nowMs);
            case "SETRANGE" -> setrange(store, c, nowMs);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    private static Reply append(KvStore store, Command c, long nowMs) {
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        if (rec == 0) {
            store.put(c.arg(1), c.arg(2), 0);
            return Reply.integer(c.arg(2).length);
        }
        byte[] old = store.value(rec);
        checkLength(old.length, c.arg(2).length);
        byte[] joined = Arrays.copyOf(old, old.length + c.arg(2).length);
        System.arraycopy(c.arg(2), 0, joined, old.length, c.arg(2).length);
        store.put(c.arg(1), joined, store.expiry(rec));
        return Reply.integer(joined.length);
    }

    private static Reply getrange(KvStore store, Command c, long nowMs) {
        long start = KvError.parseLong(c.arg(2));
        long end = KvError.parseLong(c.arg(3));
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        byte[] v = rec == 0 ? new byte[0] : store.value(rec);
        long len = v.length;
        if (start < 0 && end < 0 && start > end) {
            return new Reply.Bulk(new byte[0]);
        }
        if (start < 0) {
            start += len;
        }
        if (end < 0) {
            end += len;
        }
        start = Math.max(start, 0);
        end = Math.max(end, 0);
        if (end >= len) {
            end = len - 1;
        }
        if (start > end || len == 0) {
            return new Reply.Bulk(new byte[0]);
        }
        return new Reply.Bulk(Arrays.copyOfRange(v, (int) start, (int) end + 1));
    }

    private static Reply setrange(KvStore store, Command c, long nowMs) {
        long offset = KvError.parseLong(c.arg(2));
        if (offset < 0) {
            throw new KvError("ERR offset is out of range");
        }
        byte[] value = c.arg(3);
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        byte[] old = rec == 0 ? new byte[0] : store.value(rec);
        if (value.length == 0) {
            return Reply.integer(old.length);
        }
        checkLength(offset, value.length);
        byte[] next = Arrays.copyOf(old, (int) Math.max(old.length, offset + value.length));
        System.arraycopy(value, 0, next, (int) offset, value.length);
        store.put(c.arg(1), next, rec == 0 ? 0 : store.expiry(rec));
        return Reply.integer(next.length);
    }

    /** Redis's {@code checkStringLength}: the result may not pass proto-max-bulk-len (overflow included). */
    private static void checkLength(long size, long append) {
        if (append > MAX_STRING_BYTES - size) {
            throw TOO_BIG;
        }
    }
}
