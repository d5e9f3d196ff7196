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
 *
 * <h2>Off-heap arguments</h2>
 * A RESP endpoint keeps an argument longer than its limit ({@code RespLimits.offHeapBulkBytes},
 * 1 MiB by default) off the Java heap, as {@link OffHeapBytes}: {@link #isOffHeap(int)} tells
 * which, {@link #offHeap(int)} gives it, {@link #length(int)} works for both, and
 * {@link #arg(int)} / {@link #args()} refuse such an argument (TOO_LARGE) rather than copying
 * it onto the heap. A command holds one reference to each; whoever keeps the command past the
 * call it was handed to (a queued transaction, a mailbox) takes its own with {@link #retain()}
 * and gives it back with {@link #release()}. {@code release} on a command without off-heap
 * arguments does nothing.
 */
public final class Command {
    private static final byte[] OFF_HEAP_PLACEHOLDER = new byte[0];
    private final byte[][] args;
    /** Null when every argument is on the heap; else element i is non-null for an off-heap argument i. */
    private final OffHeapBytes[] offHeap;
    private final String name;

    /** @param args the command name first, then its arguments; at least one element */
    public Command(byte[][] args) {
        this(args, null);
    }

    /**
     * A command some of whose arguments are off-heap.
     *
     * @param args    the command name first, then its arguments; at least one element; the
     *                entries of off-heap arguments are ignored
     * @param offHeap null, or as long as {@code args} with the off-heap arguments at their
     *                index (null elsewhere); the command takes over one reference to each
     */
    public Command(byte[][] args, OffHeapBytes[] offHeap) {
        if (args.length == 0) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a command needs a name");
        }
        if (offHeap != null && offHeap.length != args.length) {
            throw ErrorCode.INVALID_ARGUMENT.exception(offHeap.length + " off-heap slots for " + args.length + " arguments");
        }
        this.args = args;
        boolean any = false;
        if (offHeap != null) {
            for (int i = 0; i < offHeap.length; i++) {
                if (offHeap[i] != null) {
                    any = true;
                    args[i] = OFF_HEAP_PLACEHOLDER;
                }
            }
        }
        this.offHeap = any ? offHeap : null;
        // A name too long for the heap names no command; "" is unknown to every process.
        this.name = isOffHeap(0) ? "" : new String(args[0], StandardCharsets.UTF_8).toUpperCase(Locale.ROOT);
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

    /**
     * Element {@code i}; 0 is the name as sent.
     *
     * @throws dev.caravan.wire.CaravanException TOO_LARGE if the element is off-heap ({@link #offHeap(int)})
     */
    public byte[] arg(int i) {
        if (isOffHeap(i)) {
            throw offHeapError(i);
        }
        return args[i];
    }

    /** Element {@code i} as UTF-8 text; TOO_LARGE if it is off-heap. */
    public String text(int i) {
        return new String(arg(i), StandardCharsets.UTF_8);
    }

    /**
     * The raw elements; do not modify.
     *
     * @throws dev.caravan.wire.CaravanException TOO_LARGE if some element is off-heap
     */
    public byte[][] args() {
        if (offHeap != null) {
            for (int i = 0; i < offHeap.length; i++) {
                if (offHeap[i] != null) {
                    throw offHeapError(i);
                }
            }
        }
        return args;
    }

    /** Whether some element is held off-heap. */
    public boolean hasOffHeap() {
        return offHeap != null;
    }

    /** Whether element {@code i} is held off-heap. */
    public boolean isOffHeap(int i) {
        return offHeap != null && offHeap[i] != null;
    }

    /** Element {@code i} if it is held off-heap, else null. */
    public OffHeapBytes offHeap(int i) {
        return offHeap == null ? null : offHeap[i];
    }

    /** Length of element {@code i}, on or off the heap. */
    public long length(int i) {
        return isOffHeap(i) ? offHeap[i].length() : args[i].length;
    }

    /** Takes one more reference to every off-heap element (see the class comment); returns this. */
    public Command retain() {
        if (offHeap != null) {
            for (OffHeapBytes b : offHeap) {
                if (b != null) {
                    b.retain();
                }
            }
        }
        return this;
    }

    /** Gives back one reference to every off-heap element; nothing for an all-heap command. */
    public void release() {
        if (offHeap != null) {
            for (OffHeapBytes b : offHeap) {
                if (b != null) {
                    b.release();
                }
            }
        }
    }

    private dev.caravan.wire.CaravanException offHeapError(int i) {
        return ErrorCode.TOO_LARGE.exception("argument " + i + " of " + (name == null || name.isEmpty() ? "the command" : name)
                + " is " + offHeap[i].length() + " bytes, held off-heap; this command takes no argument that long");
    }

    /** Total payload bytes of the arguments, on and off the heap. */
    public long payloadBytes() {
        long n = 0;
        for (int i = 0; i < args.length; i++) {
            n += length(i);
        }
        return n;
    }

    /** Equal when the heap elements are equal and the off-heap ones are the same values. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Command c && Arrays.deepEquals(args, c.args) && Arrays.equals(offHeap, c.offHeap);
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
            if (isOffHeap(i)) {
                b.append("<").append(offHeap[i].length()).append(" bytes off-heap>");
            } else {
                b.append(args[i].length > 64 ? "<" + args[i].length + " bytes>" : text(i));
            }
        }
        return b.toString();
    }
}
