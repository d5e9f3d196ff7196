package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.OffHeapBytes;
import dev.caravan.wire.command.Reply;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/**
 * String values of any length up to Redis's 512 MB, moved between the process's paged memory
 * and off-heap buffers without passing through the Java heap.
 *
 * <pre>
 *  SET k &lt;value&gt;   endpoint: socket ──► OffHeapBytes (argument)  ──► here: copied into the record
 *  GET k           here: record ──► OffHeapBytes (reply)         ──► endpoint: socket, chunk by chunk
 * </pre>
 *
 * A value up to {@value #HEAP_VALUE_BYTES} bytes is answered as a heap {@link Reply.Bulk}; a
 * longer one is copied, on the process thread (the single writer of the memory: a later
 * {@code SET} cannot change the copy), into an {@link OffHeapBytes} answered as a
 * {@link Reply.OffHeapBulk}, which the endpoint writes and releases.
 *
 * <p>Only the values of the string commands may be off-heap arguments ({@link #refusal}):
 * keys, fields, members and options longer than the endpoint's off-heap threshold (1 MiB) are
 * refused with an error naming the argument, rather than copied onto the heap.
 * Process thread only.
 */
final class StringValues {
    /** Values longer than this are answered off-heap (the endpoints' default off-heap threshold). */
    static final int HEAP_VALUE_BYTES = 1 << 20;
    /** Commands that store a value given as argument, and where that value is. */
    private static final Set<String> VALUE_AT_2 = Set.of("SET", "SETNX", "GETSET", "APPEND");
    private static final Set<String> VALUE_AT_3 = Set.of("SETEX", "PSETEX", "SETRANGE");
    private static final Set<String> VALUES_AT_EVEN = Set.of("MSET", "MSETNX");
    /** Bytes of an argument Redis shows in an unknown-command error. */
    private static final int SHOWN_BYTES = 128;

    private StringValues() {
    }

    /**
     * Null when every off-heap argument of {@code c} (a known command of the right arity) is a
     * string value this process stores off the heap; else the error to answer.
     */
    static Reply refusal(Command c) {
        for (int i = 0; i < c.size(); i++) {
            if (c.isOffHeap(i) && !isValue(c.name(), i)) {
                return Reply.error("ERR argument " + i + " of '" + c.name().toLowerCase(java.util.Locale.ROOT) + "' is "
                        + c.length(i) + " bytes; only the values of SET, SETNX, SETEX, PSETEX, GETSET, APPEND, SETRANGE, MSET"
                        + " and MSETNX may be longer than " + HEAP_VALUE_BYTES + " bytes");
            }
        }
        return null;
    }

    private static boolean isValue(String command, int i) {
        return VALUE_AT_2.contains(command) ? i == 2
                : VALUE_AT_3.contains(command) ? i == 3
                : VALUES_AT_EVEN.contains(command) && i >= 2 && i % 2 == 0;
    }

    /**
     * {@code c} with each off-heap argument cut to the bytes Redis would show of it in an error
     * ({@code unknown command '%.128s', with args beginning with: …}), on the heap.
     */
    static Command shownPart(Command c) {
        byte[][] args = new byte[c.size()][];
        for (int i = 0; i < args.length; i++) {
            if (c.isOffHeap(i)) {
                OffHeapBytes v = c.offHeap(i);
                args[i] = new byte[(int) Math.min(SHOWN_BYTES, v.length())];
                v.read(0, args[i], 0, args[i].length);
            } else {
                args[i] = c.arg(i);
            }
        }
        return new Command(args);
    }

    /** The whole value of string record {@code rec}. */
    static Reply reply(KvStore store, long rec) {
        return reply(store, rec, 0, store.valueLength(rec));
    }

    /** Bytes {@code [from, from + len)} of the value of string record {@code rec}: on the heap if short, else off-heap. */
    static Reply reply(KvStore store, long rec, long from, long len) {
        PagedMemory mem = store.memory();
        long at = store.valueAddress(rec) + from;
        if (len <= HEAP_VALUE_BYTES) {
            byte[] v = new byte[(int) len];
            mem.read(at, v, 0, v.length);
            return new Reply.Bulk(v);
        }
        OffHeapBytes out = OffHeapBytes.allocate(len);
        try {
            while (!out.isComplete()) {
                MemorySegment window = out.appendWindow();
                mem.read(at, window, 0, window.byteSize());
                out.advance(window.byteSize());
                at += window.byteSize();
            }
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
        return new Reply.OffHeapBulk(out);
    }

    /** Writes argument {@code i} of {@code c}, on or off the heap, at {@code address}. */
    static void write(PagedMemory mem, long address, Command c, int i) {
        if (!c.isOffHeap(i)) {
            byte[] v = c.arg(i);
            mem.write(address, v, 0, v.length);
            return;
        }
        OffHeapBytes v = c.offHeap(i);
        for (int k = 0; k < v.chunkCount(); k++) {
            MemorySegment chunk = v.chunk(k);
            mem.write(address, chunk, 0, chunk.byteSize());
            address += chunk.byteSize();
        }
    }

    /** Sets {@code key} to argument {@code i} of {@code c} with {@code expiryMs} (0 = none). */
    static void put(KvStore store, byte[] key, Command c, int i, long expiryMs) {
        long at = store.putReserved(key, c.length(i), expiryMs);
        write(store.memory(), at, c, i);
    }
}
