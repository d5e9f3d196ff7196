package dev.caravan.wire.node;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/** How a process's memory moves (the chapter's VM migration variants). Wire value in parentheses. */
public enum MigrationMode {
    /** Suspend, copy everything, resume at the destination (1). */
    STOP_AND_COPY(1),
    /** Copy while running, resend dirtied pages in rounds, then a short stop-and-copy (2). */
    PRE_COPY(2),
    /** Move object and execution state, resume at once, fetch pages on demand and push the rest (3). */
    POST_COPY(3),
    /** A bounded number of pre-copy rounds, then post-copy (4). */
    HYBRID(4);

    private final int value;

    MigrationMode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static MigrationMode of(int value) {
        for (MigrationMode m : values()) {
            if (m.value == value) {
                return m;
            }
        }
        throw ErrorCode.MALFORMED.exception("unknown migration mode " + value);
    }

    /** Parses {@code stop-and-copy}, {@code pre-copy}, {@code post-copy}, {@code hybrid}. */
    public static MigrationMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ErrorCode.INVALID_ARGUMENT.exception("mode must be stop-and-copy, pre-copy, post-copy or hybrid, got '" + s + "'");
        }
    }

    /** The spelling users type. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @Override
    public String toString() {
        return label();
    }

    /** Whether the destination resumes before it has every page. */
    public boolean resumesEarly() {
        return this == POST_COPY || this == HYBRID;
    }
}
