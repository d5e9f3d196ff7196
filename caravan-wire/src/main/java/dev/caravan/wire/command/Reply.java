package dev.caravan.wire.command;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A process's answer to a {@link Command}: the five RESP2 reply kinds plus the two nulls, the
 * RESP3 kinds redis-server 7 uses ({@link Map}, {@link Set}, {@link Double}, {@link Bool},
 * {@link BigNumber}, {@link Verbatim}, {@link Null}; see the RESP3 specification,
 * https://github.com/redis/redis-specifications/blob/master/protocol/RESP3.md), and three
 * control values that tell an endpoint what to do instead of being written as they are:
 * {@link Suppressed}, {@link Closing} and {@link Blocked}.
 *
 * <p>Writers write every kind literally: which kinds a client may see is the process's
 * business (a process answers a RESP2 client with RESP2 kinds only, converting as redis-server
 * does), so that a node forwarding replies passes them through unchanged.
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

    /** RESP3 map ({@code %n}): keys and values alternating; an even number of items. */
    record Map(List<Reply> keysAndValues) implements Reply {
        public Map {
            if (keysAndValues.size() % 2 != 0) {
                throw new IllegalArgumentException("a map needs an even number of items, got " + keysAndValues.size());
            }
        }
    }

    /** RESP3 set ({@code ~n}). */
    record Set(List<Reply> items) implements Reply {
    }

    /**
     * RESP3 double ({@code ,text}); {@code text} is the number as the process formats it
     * (redis-server 7.0: {@code %.17g}, {@code inf}, {@code -inf}, {@code nan}), so that the
     * RESP2 form (a bulk string of the same text) is exact.
     */
    record Double(String text) implements Reply {
    }

    /** RESP3 boolean ({@code #t} / {@code #f}). */
    record Bool(boolean value) implements Reply {
    }

    /** RESP3 big number ({@code (digits}). */
    record BigNumber(String digits) implements Reply {
    }

    /** RESP3 verbatim string ({@code =len\r\nfmt:text}); {@code format} is three characters ({@code txt}, {@code mkd}). */
    record Verbatim(String format, byte[] text) implements Reply {
        public Verbatim {
            if (format.length() != 3) {
                throw new IllegalArgumentException("a verbatim format has three characters, got '" + format + "'");
            }
        }
    }

    /** RESP3 null ({@code _}): what RESP2's two nulls become for a RESP3 client. */
    record Null() implements Reply {
    }

    /**
     * Control: no reply is written for this command (Redis's {@code CLIENT REPLY OFF} and
     * {@code SKIP}). Endpoints write nothing; a forwarding link carries the fact, not bytes.
     */
    record Suppressed() implements Reply {
    }

    /**
     * Control: write {@code reply}, then close the client's connection (Redis's
     * close-after-reply: {@code QUIT}, {@code CLIENT KILL} of the caller itself).
     */
    record Closing(Reply reply) implements Reply {
    }

    /**
     * Control, never written: the command cannot complete yet (a blocking pop on empty lists).
     * The runtime parks the client's batch and asks the process again after later commands that
     * may write ({@code CaravanProcess.onRetry}); once the clock is past {@code deadlineMs}
     * (0 = never) the client gets {@code timeoutReply} and the rest of its batch runs.
     */
    record Blocked(long deadlineMs, Reply timeoutReply) implements Reply {
    }

    /** RESP3 null. */
    Reply NULL = new Null();
    /** Nothing is written (CLIENT REPLY OFF / SKIP). */
    Reply SUPPRESSED = new Suppressed();

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
