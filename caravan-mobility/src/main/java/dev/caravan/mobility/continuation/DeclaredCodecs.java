package dev.caravan.mobility.continuation;

import dev.caravan.core.mobility.Codecs;
import dev.caravan.core.mobility.StateCodec;
import dev.caravan.wire.ErrorCode;

import java.util.HashMap;
import java.util.Map;

/**
 * The codecs a {@link dev.caravan.core.mobility.LoopProcess} declares in
 * {@link dev.caravan.core.mobility.LoopProcess#codecs}, by exact class. Filled once on the process
 * thread before the loop starts, read only afterwards.
 */
public final class DeclaredCodecs implements Codecs {
    private final Map<Class<?>, StateCodec<?>> byType = new HashMap<>();
    private final Map<String, Class<?>> byName = new HashMap<>();

    @Override
    public <T> void register(Class<T> type, StateCodec<T> codec) {
        java.util.Objects.requireNonNull(codec, "codec");
        if (ValueCodec.isBuiltIn(type) || byType.containsKey(type)) {
            throw ErrorCode.ALREADY_EXISTS.exception("type " + type.getName() + " already has a codec");
        }
        byType.put(type, codec);
        byName.put(type.getName(), type);
    }

    /** Whether {@code type} has a declared codec. */
    public boolean has(Class<?> type) {
        return byType.containsKey(type);
    }

    @SuppressWarnings("unchecked")
    <T> StateCodec<T> codec(Class<T> type) {
        return (StateCodec<T>) byType.get(type);
    }

    /** The declared type of that binary name, or null. */
    Class<?> type(String name) {
        return byName.get(name);
    }
}
