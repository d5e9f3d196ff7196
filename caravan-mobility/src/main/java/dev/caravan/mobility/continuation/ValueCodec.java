package dev.caravan.mobility.continuation;

import dev.caravan.core.mobility.Request;
import dev.caravan.core.mobility.StateCodec;
import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.command.Command;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads one value of a continuation (a local, an operand-stack value, a reference slot,
 * a field of the process) as a tag byte and its body; see {@link ContinuationFormat} for the
 * layout. The types it carries: null, {@code String}, {@code byte[]}, boxed primitives,
 * {@link Request}, enums, records whose components are of those types (rebuilt through their
 * canonical constructor), the process's declared codecs ({@link DeclaredCodecs}), and the
 * runtime objects of the loop replaced by tokens. Nothing else: no Java serialization.
 *
 * <p>Not thread-safe; one per process, used on its thread.
 */
public final class ValueCodec {
    static final int NULL = 0;
    static final int STRING = 1;
    static final int BYTES = 2;
    static final int BOOLEAN = 3;
    static final int BYTE = 4;
    static final int SHORT = 5;
    static final int CHAR = 6;
    static final int INT = 7;
    static final int LONG = 8;
    static final int FLOAT = 9;
    static final int DOUBLE = 10;
    static final int REQUEST = 11;
    static final int RECORD = 12;
    static final int ENUM = 13;
    static final int DECLARED = 14;
    static final int TOKEN = 15;

    /** Records nest at most this deep (a guard against garbage input recursing without end). */
    static final int MAX_DEPTH = 32;
    /** At most this many arguments in a carried request (as the wire's command limit). */
    static final int MAX_ARGS = 1 << 20;

    private static final List<Class<?>> BUILT_IN = List.of(String.class, byte[].class, Boolean.class, Byte.class,
            Short.class, Character.class, Integer.class, Long.class, Float.class, Double.class, Request.class);

    private final DeclaredCodecs declared;
    private final ClassLoader loader;
    private final Object[] tokens;
    private final Map<Object, Integer> tokenIds = new IdentityHashMap<>();

    /**
     * @param declared the process's codecs
     * @param loader   where record and enum classes named in the stream are found (the process's bundle)
     * @param tokens   runtime objects written by their index instead of their contents (the
     *                 process instance, its loop context, the loop's entry point), the same on both sides
     */
    public ValueCodec(DeclaredCodecs declared, ClassLoader loader, Object... tokens) {
        this.declared = declared;
        this.loader = loader;
        this.tokens = tokens.clone();
        for (int i = 0; i < tokens.length; i++) {
            tokenIds.put(tokens[i], i);
        }
    }

    /** Whether values of {@code type} are carried without a declared codec (records and enums aside). */
    public static boolean isBuiltIn(Class<?> type) {
        return type.isPrimitive() || BUILT_IN.contains(type);
    }

    /** Whether a value whose static type is {@code type} can be carried: built in, an enum, a record of such, or declared. */
    public boolean carries(Class<?> type) {
        return carries(type, 0);
    }

    private boolean carries(Class<?> type, int depth) {
        if (isBuiltIn(type) || type.isEnum() || declared.has(type)) {
            return true;
        }
        if (type.isRecord() && depth < MAX_DEPTH) {
            for (RecordComponent c : type.getRecordComponents()) {
                if (!carries(c.getType(), depth + 1)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /**
     * Writes {@code v}.
     *
     * @throws CaravanException CODE_REFUSED naming the type when it cannot be carried (the bundle's
     *                          check at load should have refused it)
     */
    public void write(Object v, BodyWriter out) {
        write(v, out, 0);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void write(Object v, BodyWriter out, int depth) {
        if (depth > MAX_DEPTH) {
            throw ErrorCode.CODE_REFUSED.exception("a value live at a suspension point nests records deeper than " + MAX_DEPTH);
        }
        Integer token = v == null ? null : tokenIds.get(v);
        switch (v) {
            case null -> out.u8(NULL);
            case Object o when token != null -> out.u8(TOKEN).u8(token);
            case String s -> out.u8(STRING).string(s);
            case byte[] b -> out.u8(BYTES).bytes(b);
            case Boolean b -> out.u8(BOOLEAN).bool(b);
            case Byte b -> out.u8(BYTE).u8(b & 0xff);
            case Short s -> out.u8(SHORT).u16(s & 0xffff);
            case Character c -> out.u8(CHAR).u16(c);
            case Integer i -> out.u8(INT).i32(i);
            case Long l -> out.u8(LONG).i64(l);
            case Float f -> out.u8(FLOAT).i32(Float.floatToRawIntBits(f));
            case Double d -> out.u8(DOUBLE).i64(Double.doubleToRawLongBits(d));
            case Request r -> writeRequest(r, out);
            case Enum<?> e -> out.u8(ENUM).string(e.getDeclaringClass().getName()).string(e.name());
            case Object o when declared.has(o.getClass()) -> {
                BodyWriter body = new BodyWriter();
                ((StateCodec) declared.codec(o.getClass())).write(o, body);
                out.u8(DECLARED).string(o.getClass().getName()).bytes(body.toBytes());
            }
            case Record r -> writeRecord(r, out, depth);
            default -> throw ErrorCode.CODE_REFUSED.exception("a " + v.getClass().getName()
                    + " is live at a suspension point and has no codec: give it one in codecs()"
                    + " or keep it out of locals across suspension points");
        }
    }

    private static void writeRequest(Request r, BodyWriter out) {
        ClientRef c = r.client();
        out.u8(REQUEST).i64(r.id()).i64(c.sessionId()).string(c.addr()).string(c.laddr());
        byte[][] args = r.command().args();
        out.i32(args.length);
        for (byte[] a : args) {
            out.bytes(a);
        }
    }

    private void writeRecord(Record r, BodyWriter out, int depth) {
        RecordComponent[] components = r.getClass().getRecordComponents();
        out.u8(RECORD).string(r.getClass().getName()).i32(components.length);
        for (RecordComponent c : components) {
            try {
                java.lang.reflect.Method accessor = c.getAccessor();
                accessor.setAccessible(true);
                write(accessor.invoke(r), out, depth + 1);
            } catch (ReflectiveOperationException e) {
                throw ErrorCode.CODE_REFUSED.exception("cannot read component " + c.getName() + " of record "
                        + r.getClass().getName() + ": " + e);
            }
        }
    }

    /**
     * Reads a value written by {@link #write}.
     *
     * @throws CaravanException MALFORMED for truncated or garbage input, a class the stream names
     *                          that is not a record, enum or declared type of the process, or a
     *                          declared codec that fails
     */
    public Object read(BodyReader in) {
        return read(in, 0);
    }

    private Object read(BodyReader in, int depth) {
        if (depth > MAX_DEPTH) {
            throw ErrorCode.MALFORMED.exception("continuation values nest deeper than " + MAX_DEPTH);
        }
        int tag = in.u8();
        return switch (tag) {
            case NULL -> null;
            case STRING -> in.string();
            case BYTES -> in.bytes();
            case BOOLEAN -> in.bool();
            case BYTE -> (byte) in.u8();
            case SHORT -> (short) in.u16();
            case CHAR -> (char) in.u16();
            case INT -> in.i32();
            case LONG -> in.i64();
            case FLOAT -> Float.intBitsToFloat(in.i32());
            case DOUBLE -> Double.longBitsToDouble(in.i64());
            case REQUEST -> readRequest(in);
            case RECORD -> readRecord(in, depth);
            case ENUM -> readEnum(in);
            case DECLARED -> readDeclared(in);
            case TOKEN -> {
                int i = in.u8();
                if (i >= tokens.length) {
                    throw ErrorCode.MALFORMED.exception("continuation names runtime object " + i + " of " + tokens.length);
                }
                yield tokens[i];
            }
            default -> throw ErrorCode.MALFORMED.exception("unknown continuation value tag " + tag);
        };
    }

    private static Request readRequest(BodyReader in) {
        long id = in.i64();
        long session = in.i64();
        if (session < 0) {
            throw ErrorCode.MALFORMED.exception("negative session id " + session + " in a carried request");
        }
        ClientRef client = new ClientRef(session, in.string(), in.string());
        int n = in.count(Math.min(MAX_ARGS, in.remaining() / 4), "request argument");
        byte[][] args = new byte[n][];
        for (int i = 0; i < n; i++) {
            args[i] = in.bytes();
        }
        return new Request(id, client, new Command(args));
    }

    private Object readRecord(BodyReader in, int depth) {
        Class<?> cls = named(in.string());
        if (!cls.isRecord()) {
            throw ErrorCode.MALFORMED.exception(cls.getName() + " is not a record");
        }
        RecordComponent[] components = cls.getRecordComponents();
        int n = in.count(components.length, "record component");
        if (n != components.length) {
            throw ErrorCode.MALFORMED.exception("record " + cls.getName() + " has " + components.length
                    + " components, the continuation " + n);
        }
        Object[] values = new Object[n];
        Class<?>[] types = new Class<?>[n];
        for (int i = 0; i < n; i++) {
            values[i] = read(in, depth + 1);
            types[i] = components[i].getType();
            if (!carries(types[i])) {
                throw ErrorCode.MALFORMED.exception("record " + cls.getName() + " component " + components[i].getName()
                        + " of type " + types[i].getName() + " cannot be carried");
            }
        }
        try {
            Constructor<?> c = cls.getDeclaredConstructor(types);
            c.setAccessible(true);
            return c.newInstance(values);
        } catch (ReflectiveOperationException | IllegalArgumentException e) {
            throw ErrorCode.MALFORMED.exception("cannot rebuild record " + cls.getName() + ": " + e);
        }
    }

    private Object readEnum(BodyReader in) {
        Class<?> cls = named(in.string());
        String name = in.string();
        if (!cls.isEnum()) {
            throw ErrorCode.MALFORMED.exception(cls.getName() + " is not an enum");
        }
        for (Object c : cls.getEnumConstants()) {
            if (((Enum<?>) c).name().equals(name)) {
                return c;
            }
        }
        throw ErrorCode.MALFORMED.exception("enum " + cls.getName() + " has no constant " + name);
    }

    private Object readDeclared(BodyReader in) {
        String name = in.string();
        Class<?> cls = declared.type(name);
        if (cls == null) {
            throw ErrorCode.MALFORMED.exception("the process declares no codec for " + name);
        }
        BodyReader body = new BodyReader(in.bytes());
        Object v = declared.codec(cls).read(body);
        body.expectEnd();
        return v;
    }

    /** A record or enum class of the process's bundle (or the platform), loaded without initialising it. */
    private Class<?> named(String name) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw ErrorCode.MALFORMED.exception("continuation names unknown class " + name);
        }
    }
}
