package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

/**
 * APPEND STRLEN GETRANGE SETRANGE: byte ranges of string values, of any length up to 512 MB:
 * values are changed in place in paged memory, never copied onto the heap whole (see
 * {@link StringValues}). Process thread only.
 */
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
                yield Reply.integer(rec == 0 ? 0 : store.valueLength(rec));
            }
            case "GETRANGE", "SUBSTR" -> getrange(store, c, nowMs);
            case "SETRANGE" -> setrange(store, c, nowMs);
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    private static Reply append(KvStore store, Command c, long nowMs) {
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        if (rec == 0) {
            StringValues.put(store, c.arg(1), c, 2, 0);
            return Reply.integer(c.length(2));
        }
        long old = store.valueLength(rec);
        checkLength(old, c.length(2));
        rec = store.resizeValue(c.arg(1), rec, old + c.length(2));
        StringValues.write(store.memory(), store.valueAddress(rec) + old, c, 2);
        return Reply.integer(old + c.length(2));
    }

    private static Reply getrange(KvStore store, Command c, long nowMs) {
        long start = KvError.parseLong(c.arg(2));
        long end = KvError.parseLong(c.arg(3));
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        long len = rec == 0 ? 0 : store.valueLength(rec);
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
        return StringValues.reply(store, rec, start, end - start + 1);
    }

    private static Reply setrange(KvStore store, Command c, long nowMs) {
        long offset = KvError.parseLong(c.arg(2));
        if (offset < 0) {
            throw new KvError("ERR offset is out of range");
        }
        long valueLength = c.length(3);
        long rec = StringCommands.find(store, c.arg(1), nowMs);
        long old = rec == 0 ? 0 : store.valueLength(rec);
        if (valueLength == 0) {
            return Reply.integer(old);
        }
        checkLength(offset, valueLength);
        long length = Math.max(old, offset + valueLength);
        if (rec == 0) {
            long at = store.putReserved(c.arg(1), length, 0);
            store.zero(at, offset);
            StringValues.write(store.memory(), at + offset, c, 3);
            return Reply.integer(length);
        }
        // Also when the length stays: resizeValue tells WATCH the key changed.
        rec = store.resizeValue(c.arg(1), rec, length);
        if (offset > old) {
            store.zero(store.valueAddress(rec) + old, offset - old);
        }
        StringValues.write(store.memory(), store.valueAddress(rec) + offset, c, 3);
        return Reply.integer(length);
    }

    /** Redis's {@code checkStringLength}: the result may not pass proto-max-bulk-len (overflow included). */
    private static void checkLength(long size, long append) {
        if (append > MAX_STRING_BYTES - size) {
            throw TOO_BIG;
        }
    }
}
