package dev.caravan.wire.command;

import dev.caravan.wire.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * One request to a process: a command name and its arguments, as binary-safe byte strings —
 * the shape Redis gives its commands, used for every Caravan process whatever port the request
 * came through (RESP data endpoint or the node's binary CALL). Immutable after construction;
 * the arrays are not copied, so a sender must not change them after handing them over.
 */
public final class Command {
    private final byte[][] args;
    private final String name;

    /** @param args the command name first, then its arguments; at least one element */
    public Command(byte[][] args) {
        if (args.length == 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a command needs a name");
        }
        this.args = args;
        this.name = new String(args[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
    }

    /** A command from text arguments (UTF-8). */
    public static Command of(String... parts) {
        byte[][] a = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            a[i] = parts[i].getBytes(StandardCharsets.UTF_8);
        }
        return new Command(a);
    }

    /** The command name, upper-cased. */
    public String name() {
        return name;
    }

    /** Number of elements including the name (Redis's "arity"). */
    public int size() {
        return args.length;
    }

    /** Element {@code i}; 0 is the name as sent. */
    public byte[] arg(int i) {
        return args[i];
    }

    /** Element {@code i} as UTF-8 text. */
    public String text(int i) {
        return new String(args[i], StandardCharsets.UTF_8);
    }

    /** The raw elements; do not modify. */
    public byte[][] args() {
        return args;
    }

    /** Total payload bytes of the arguments. */
    public long payloadBytes() {
        long n = 0;
        for (byte[] a : args) {
            n += a.length;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && Arrays.deepEquals(args, c.args);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(args);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.length; i++) {
            if (i > 0) {
                b.append(' ');
            }
            b.append(args[i].length > 64 ? "<" + args[i].length + " bytes>" : text(i));
        }
        return b.toString();
    }
}
