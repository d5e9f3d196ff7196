package dev.caravan.core.mobility;

/** Where a {@link LoopProcess} declares the codecs of its own types ({@link LoopProcess#codecs}). */
public interface Codecs {
    /**
     * Registers the codec of {@code type} (exactly that class: subclasses need their own).
     *
     * @throws dev.caravan.wire.CaravanException ALREADY_EXISTS when the type has one (built-in types included)
     */
    <T> void register(Class<T> type, StateCodec<T> codec);
}
