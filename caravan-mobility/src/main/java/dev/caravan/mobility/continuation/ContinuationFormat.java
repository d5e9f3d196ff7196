package dev.caravan.mobility.continuation;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Caravan's continuation format, version {@value #VERSION}: the execution state of a
 * {@link dev.caravan.core.mobility.LoopProcess} suspended at a suspension point, as its object
 * state in the migration stream (and so in clones and checkpoints). Integers big-endian, strings
 * and byte fields as an i32 length and the bytes ({@link BodyWriter}):
 * <pre>
 * u16    format version (2; version 1 is read too: it has no loop code hash)
 * string bundle hash (hex; "" for a built-in sample)
 * string loop code hash (hex; "" when unknown): the bytecode of the bundle's suspending methods,
 *          which a suspended continuation's frames point into (version 2 only)
 * i32    the process's state version ({@code LoopProcess.stateVersion()})
 * i64    next request id
 * u8     suspension: 0 ended (nothing follows but the fields) | 1 receive | 2 sleep | 3 moveTo | 4 cloneTo
 *          sleep: i64 until (injected clock, ms) · moveTo: string node · cloneTo: string node, string clone name
 * i32    n fields of the process instance, then n × (string name, value)
 * -- when not ended, the JavaFlow stack, bottom first --
 * i32 × 4  doubles, floats, longs, ints (primitive slot counts; each ≤ MAX_SLOTS)
 * i64 × (their sum)  primitive slots (a double/float as its raw bits)
 * i32    object slots, then that many values
 * i32    reference slots, then that many values
 * </pre>
 * A value is a tag byte and its body ({@link ValueCodec}): 0 null · 1 string · 2 bytes · 3 bool (u8) ·
 * 4 byte (u8) · 5 short (u16) · 6 char (u16) · 7 int (i32) · 8 long (i64) · 9 float (i32 bits) ·
 * 10 double (i64 bits) · 11 request (i64 id, i64 session, string addr, string laddr, i32 n, n × bytes) ·
 * 12 record (string class, i32 n, n × value, in component order) · 13 enum (string class, string
 * constant) · 14 declared codec (string class, bytes written by the process's {@code StateCodec}) ·
 * 15 token (u8: 0 the process instance, 1 its loop context, 2 the loop's entry point).
 *
 * <p>Every count is checked against {@link #MAX_SLOTS} and the bytes left before anything is
 * allocated; truncated or garbage input fails with MALFORMED.
 */
public final class ContinuationFormat {
    /** The version written; readers refuse others with UNSUPPORTED_VERSION. */
    public static final int VERSION = 2;
    /** The first version, still read: it carries no loop code hash. */
    public static final int VERSION_1 = 1;
    /** At most this many slots of each kind (a JavaFlow stack holds a few per captured frame). */
    public static final int MAX_SLOTS = 1 << 16;
    /** At most this many fields on a process instance. */
    public static final int MAX_FIELDS = 1024;

    static final int ENDED = 0;
    static final int RECEIVE = 1;
    static final int SLEEP = 2;
    static final int MOVE = 3;
    static final int CLONE = 4;

    private ContinuationFormat() {
    }

    /**
     * One continuation, as written and read.
     *
     * @param suspension where the loop is suspended; null once the loop has returned
     * @param fields     the process instance's fields by name (declaration order)
     * @param stack      the frames; null exactly when {@code suspension} is
     */
    public record Image(String bundleHash, String codeHash, int stateVersion, long nextRequestId, Suspension suspension,
                        Map<String, Object> fields, StackImage stack) {
        public Image {
            if ((suspension == null) != (stack == null)) {
                throw new IllegalArgumentException("a suspended loop has a stack, an ended one none");
            }
        }

        /** An image whose loop code hash is unknown (""). */
        public Image(String bundleHash, int stateVersion, long nextRequestId, Suspension suspension,
                     Map<String, Object> fields, StackImage stack) {
            this(bundleHash, "", stateVersion, nextRequestId, suspension, fields, stack);
        }
    }

    /** Writes {@code image}, its values through {@code values}. @throws CaravanException CODE_REFUSED for a value without a codec */
    public static void write(Image image, ValueCodec values, BodyWriter out) {
        out.u16(VERSION).string(image.bundleHash()).string(image.codeHash()).i32(image.stateVersion()).i64(image.nextRequestId());
        switch (image.suspension()) {
            case null -> out.u8(ENDED);
            case Suspension.Receive r -> out.u8(RECEIVE);
            case Suspension.Sleep s -> out.u8(SLEEP).i64(s.untilMs());
            case Suspension.Move m -> out.u8(MOVE).string(m.target());
            case Suspension.Clone c -> out.u8(CLONE).string(c.target()).string(c.cloneName());
        }
        out.i32(image.fields().size());
        for (Map.Entry<String, Object> f : image.fields().entrySet()) {
            out.string(f.getKey());
            values.write(f.getValue(), out);
        }
        StackImage s = image.stack();
        if (s == null) {
            return;
        }
        out.i32(s.doubles()).i32(s.floats()).i32(s.longs()).i32(s.ints());
        for (long p : s.primitives()) {
            out.i64(p);
        }
        out.i32(s.objects().length);
        for (Object o : s.objects()) {
            values.write(o, out);
        }
        out.i32(s.references().length);
        for (Object r : s.references()) {
            values.write(r, out);
        }
    }

    /**
     * Reads a continuation, to the end of {@code in}.
     *
     * @throws CaravanException UNSUPPORTED_VERSION for another format version, MALFORMED for
     *                          truncated or garbage input
     */
    public static Image read(BodyReader in, ValueCodec values) {
        int version = in.u16();
        if (version != VERSION && version != VERSION_1) {
            throw ErrorCode.UNSUPPORTED_VERSION.exception("continuation format " + version + " (this node reads "
                    + VERSION_1 + " and " + VERSION + ")");
        }
        String bundleHash = in.string();
        String codeHash = version == VERSION_1 ? "" : in.string();
        int stateVersion = in.i32();
        long nextRequestId = in.i64();
        int kind = in.u8();
        Suspension suspension = switch (kind) {
            case ENDED -> null;
            case RECEIVE -> Suspension.RECEIVE;
            case SLEEP -> new Suspension.Sleep(in.i64());
            case MOVE -> new Suspension.Move(in.string());
            case CLONE -> new Suspension.Clone(in.string(), in.string());
            default -> throw ErrorCode.MALFORMED.exception("unknown suspension kind " + kind);
        };
        int nFields = in.count(Math.min(MAX_FIELDS, in.remaining() / 5), "process field");
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < nFields; i++) {
            fields.put(in.string(), values.read(in));
        }
        StackImage stack = null;
        if (suspension != null) {
            int d = in.count(MAX_SLOTS, "double slot");
            int f = in.count(MAX_SLOTS, "float slot");
            int l = in.count(MAX_SLOTS, "long slot");
            int i = in.count(MAX_SLOTS, "int slot");
            int n = d + f + l + i;
            if ((long) n * 8 > in.remaining()) {
                throw ErrorCode.MALFORMED.exception(n + " primitive slots but " + in.remaining() + " bytes left");
            }
            long[] p = new long[n];
            for (int k = 0; k < n; k++) {
                p[k] = in.i64();
            }
            stack = new StackImage(p, d, f, l, i, readValues(in, values, "object slot"), readValues(in, values, "reference slot"));
        }
        in.expectEnd();
        return new Image(bundleHash, codeHash, stateVersion, nextRequestId, suspension, fields, stack);
    }

    private static Object[] readValues(BodyReader in, ValueCodec values, String what) {
        // Every value takes at least its tag byte.
        int n = in.count(Math.min(MAX_SLOTS, in.remaining()), what);
        Object[] v = new Object[n];
        for (int k = 0; k < n; k++) {
            v[k] = values.read(in);
        }
        return v;
    }
}
