package dev.caravan.naming;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

import java.util.Objects;

/**
 * A change of one entry, pushed to a {@link Watch}. Wire layout: {@code u8 kind, entry}
 * (see {@link NamingEntry}).
 *
 * @param kind  what happened
 * @param entry the entry as it now is ({@link Kind#PUT}) or as it was last ({@link Kind#REMOVED})
 */
public record NamingEvent(Kind kind, NamingEntry entry) {
    /** What happened to the entry. The wire values are fixed. */
    public enum Kind {
        /** Created or replaced. */
        PUT(1),
        /** Unregistered, or its lease closed or expired. */
        REMOVED(2);

        private final int value;

        Kind(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }

        public static Kind of(int value) {
            return switch (value) {
                case 1 -> PUT;
                case 2 -> REMOVED;
                default -> throw ErrorCode.MALFORMED.exception("unknown naming event kind " + value);
            };
        }
    }

    public NamingEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(entry, "entry");
    }

    public static NamingEvent put(NamingEntry entry) {
        return new NamingEvent(Kind.PUT, entry);
    }

    public static NamingEvent removed(NamingEntry entry) {
        return new NamingEvent(Kind.REMOVED, entry);
    }

    public void writeTo(BodyWriter w) {
        w.u8(kind.value());
        entry.writeTo(w);
    }

    public static NamingEvent readFrom(BodyReader r) {
        Kind kind = Kind.of(r.u8());
        return new NamingEvent(kind, NamingEntry.readFrom(r));
    }
}
