package dev.caravan.core.mobility;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * Writes and reads one type of value that may be live at a suspension point, in the process's own
 * layout (its {@link LoopProcess#stateVersion}). Called on the process thread.
 */
public interface StateCodec<T> {
    void write(T value, BodyWriter out);

    /** @throws dev.caravan.wire.CaravanException MALFORMED when the bytes are not a value of this type */
    T read(BodyReader in);
}
