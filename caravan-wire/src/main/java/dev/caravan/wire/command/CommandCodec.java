package dev.caravan.wire.command;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of {@link Command} and {@link Reply} inside Caravan frames (node CALL).
 *
 * <pre>
 * command := i32 count, count × bytes
 * reply   := u8 kind, then
 *            SIMPLE(1)/ERROR(2): string   INT(3): i64   BULK(4): bytes
 *            ARRAY(5): i32 count, count × reply   NIL(6), NIL_ARRAY(7): nothing
 *            MAP(8): i32 pairs, 2·pairs × reply   SET(9): i32 count, count × reply
 *            DOUBLE(10): string   BOOL(11): u8   BIG_NUMBER(12): string
 *            VERBATIM(13): string format, bytes text   NULL(14): nothing
 * </pre>
 * An {@link Reply.OffHeapBulk} travels as a BULK (copied, up to {@value #MAX_OFF_HEAP_COPY_BYTES}
 * bytes; longer ones are TOO_LARGE: a frame cannot carry them); a command with off-heap
 * arguments cannot be encoded (TOO_LARGE). The control kinds have no encoding of their own: a {@link Reply.Suppressed} travels as NIL
 * (a CALL always has one reply), a {@link Reply.Closing} as its inner reply; a
 * {@link Reply.Blocked} is never a final reply.
 */
public final class CommandCodec {
    /** Most elements in one command or reply array. */
    public static final int MAX_ELEMENTS = 1024 * 1024;
    /** Longest off-heap bulk a reply may carry (copied into the frame); frames are at most 64 MiB. */
    public static final int MAX_OFF_HEAP_COPY_BYTES = 48 << 20;
    /** Deepest nesting of reply arrays accepted. */
    public static final int MAX_DEPTH = 32;

    private CommandCodec() {
    }

    public static void write(BodyWriter w, Command c) {
        w.i32(c.size());
        for (byte[] a : c.args()) {
            w.bytes(a);
        }
    }

    public static Command readCommand(BodyReader r) {
        int n = r.count(MAX_ELEMENTS, "command element");
        if (n == 0) {
            throw ErrorCode.MALFORMED.exception("empty command");
        }
        byte[][] a = new byte[n][];
        for (int i = 0; i < n; i++) {
            a[i] = r.bytes();
        }
        return new Command(a);
    }

    public static void write(BodyWriter w, Reply reply) {
        switch (reply) {
            case Reply.Simple s -> w.u8(1).string(s.text());
            case Reply.Error e -> w.u8(2).string(e.text());
            case Reply.Int i -> w.u8(3).i64(i.value());
            case Reply.Bulk b -> w.u8(4).bytes(b.value());
            case Reply.OffHeapBulk b -> w.u8(4).bytes(b.value().toByteArray(MAX_OFF_HEAP_COPY_BYTES));
            case Reply.Array a -> {
                w.u8(5).i32(a.items().size());
                for (Reply item : a.items()) {
                    write(w, item);
                }
            }
            case Reply.Nil n -> w.u8(6);
            case Reply.NilArray n -> w.u8(7);
            case Reply.Map m -> items(w.u8(8).i32(m.keysAndValues().size() / 2), m.keysAndValues());
            case Reply.Set st -> items(w.u8(9).i32(st.items().size()), st.items());
            case Reply.Double d -> w.u8(10).string(d.text());
            case Reply.Bool b -> w.u8(11).u8(b.value() ? 1 : 0);
            case Reply.BigNumber n -> w.u8(12).string(n.digits());
            case Reply.Verbatim v -> w.u8(13).string(v.format()).bytes(v.text());
            case Reply.Null n -> w.u8(14);
            case Reply.Suppressed n -> w.u8(6);
            case Reply.Closing c -> write(w, c.reply());
            case Reply.Blocked b -> throw new IllegalStateException("a blocked command has no reply to encode yet");
        }
    }

    /**
     * {@code reply} as a frame can carry it and a table of recent replies may keep it: every
     * {@link Reply.OffHeapBulk} in it copied onto the heap and released, or, when longer than
     * {@value #MAX_OFF_HEAP_COPY_BYTES} bytes, replaced by an error saying where to read it.
     * A reply without off-heap values is returned as is.
     */
    public static Reply forFrame(Reply reply) {
        return switch (reply) {
            case Reply.OffHeapBulk b -> {
                try {
                    yield b.value().length() <= MAX_OFF_HEAP_COPY_BYTES
                            ? new Reply.Bulk(b.value().toByteArray(MAX_OFF_HEAP_COPY_BYTES))
                            : Reply.error("ERR the reply is a value of " + b.value().length() + " bytes, too long for a"
                            + " call through the control port; read it through the process's data endpoint");
                } finally {
                    b.value().release();
                }
            }
            case Reply.Array a -> new Reply.Array(a.items().stream().map(CommandCodec::forFrame).toList());
            case Reply.Map m -> new Reply.Map(m.keysAndValues().stream().map(CommandCodec::forFrame).toList());
            case Reply.Set st -> new Reply.Set(st.items().stream().map(CommandCodec::forFrame).toList());
            case Reply.Closing c -> new Reply.Closing(forFrame(c.reply()));
            default -> reply;
        };
    }

    private static void items(BodyWriter w, List<Reply> items) {
        for (Reply item : items) {
            write(w, item);
        }
    }

    private static List<Reply> readItems(BodyReader r, long n, int depth) {
        List<Reply> items = new ArrayList<>((int) Math.min(n, 1024));
        for (long i = 0; i < n; i++) {
            items.add(readReply(r, depth + 1));
        }
        return List.copyOf(items);
    }

    private static String checkedFormat(String format) {
        if (format.length() != 3) {
            throw ErrorCode.MALFORMED.exception("a verbatim format has three characters, got " + format.length());
        }
        return format;
    }

    public static Reply readReply(BodyReader r) {
        return readReply(r, 0);
    }

    private static Reply readReply(BodyReader r, int depth) {
        if (depth > MAX_DEPTH) {
            throw ErrorCode.MALFORMED.exception("reply nested deeper than " + MAX_DEPTH);
        }
        int kind = r.u8();
        return switch (kind) {
            case 1 -> new Reply.Simple(r.string());
            case 2 -> new Reply.Error(r.string());
            case 3 -> new Reply.Int(r.i64());
            case 4 -> new Reply.Bulk(r.bytes());
            case 5 -> {
                int n = r.count(MAX_ELEMENTS, "reply element");
                List<Reply> items = new ArrayList<>(Math.min(n, 1024));
                for (int i = 0; i < n; i++) {
                    items.add(readReply(r, depth + 1));
                }
                yield new Reply.Array(List.copyOf(items));
            }
            case 6 -> Reply.NIL;
            case 7 -> Reply.NIL_ARRAY;
            case 8 -> new Reply.Map(readItems(r, 2L * r.count(MAX_ELEMENTS / 2, "map entry"), depth));
            case 9 -> new Reply.Set(readItems(r, r.count(MAX_ELEMENTS, "set element"), depth));
            case 10 -> new Reply.Double(r.string());
            case 11 -> new Reply.Bool(r.u8() != 0);
            case 12 -> new Reply.BigNumber(r.string());
            case 13 -> new Reply.Verbatim(checkedFormat(r.string()), r.bytes());
            case 14 -> Reply.NULL;
            default -> throw ErrorCode.MALFORMED.exception("unknown reply kind " + kind);
        };
    }
}
