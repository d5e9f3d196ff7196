package dev.caravan.wire.command;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A process's answer to a {@link Command}: the five RESP2 reply kinds plus the two nulls.
 * Immutable values (byte arrays are not copied; treat them as read-only).
 */
public sealed interface Reply {
    /** {@code +OK}. */
    Reply OK = new Simple("OK");
    /** The null bulk string ({@code $-1}). */
    Reply NIL = new Nil();
    /** The null array ({@code *-1}). */
    Reply NIL_ARRAY = new NilArray();

    /** A status line such as {@code OK} or {@code PONG}; must not contain CR or LF. */
    record Simple(String text) implements Reply {
    }

    /**
     * An error line. {@code text} starts with an upper-case error word as Redis writes it
     * ({@code ERR}, {@code WRONGTYPE}, {@code MOVED}, ...); must not contain CR or LF.
     */
    record Error(String text) implements Reply {
    }

    /** A signed 64-bit integer. */
    record Int(long value) implements Reply {
    }

    /** A binary-safe string. */
    record Bulk(byte[] value) implements Reply {
        public String text() {
            return new String(value, StandardCharsets.UTF_8);
        }

        /** Equal when the bytes are equal (a record would compare the array references). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Bulk b && java.util.Arrays.equals(value, b.value);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(value);
        }

        @Override
        public String toString() {
            return "Bulk[" + (value.length > 64 ? value.length + " bytes" : text()) + "]";
        }
    }

    /** An array of replies. */
    record Array(List<Reply> items) implements Reply {
    }

    /** The null bulk string. */
    record Nil() implements Reply {
    }

    /** The null array. */
    record NilArray() implements Reply {
    }

    static Reply error(String text) {
        return new Error(text.replace('\r', ' ').replace('\n', ' '));
    }

    static Reply bulk(String text) {
        return new Bulk(text.getBytes(StandardCharsets.UTF_8));
    }

    static Reply integer(long v) {
        return new Int(v);
    }

    /** Redis's "wrong number of arguments" error for a command. */
    static Reply wrongArity(String commandName) {
        return new Error("ERR wrong number of arguments for '" + commandName.toLowerCase(java.util.Locale.ROOT) + "' command");
    }
}
