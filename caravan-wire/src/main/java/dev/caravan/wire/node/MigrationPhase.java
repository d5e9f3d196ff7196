package dev.caravan.wire.node;

import dev.caravan.wire.ErrorCode;

import java.util.Locale;

/**
 * The phases of a migration at its source, in protocol order (drawn in {@link MigrationProtocol}).
 * They are the states of the source's session, the phase in progress reports and reports, and
 * the points where fault injection fires. Wire value in parentheses.
 */
public enum MigrationPhase {
    /** MIG_BEGIN sent: the destination prepares memory, runner, endpoint and page stream (1). */
    BEGIN(1),
    /** Pre-copy rounds while the process keeps serving (2). */
    ROUNDS(2),
    /** The process is suspended at a request boundary (3). */
    FREEZE(3),
    /** The pages left are sent while frozen (stop-and-copy, pre-copy's last round) (4). */
    LAST_PAGES(4),
    /** Resources, object state, recent replies and MIG_COMMIT (5). */
    SWITCH_OVER(5),
    /** The destination registered with the new epoch: it owns the process (6). */
    COMMITTED(6),
    /** Post-copy: the source pushes the pages the destination still misses (7). */
    PUSHING(7),
    /** Finished (8). */
    DONE(8),
    /** Failed or cancelled before commit; the source resumed (9). */
    ROLLED_BACK(9),
    /** Failed in a way that lost or froze the process (10). */
    FAILED(10),
    /** A checkpoint being written (11). */
    CHECKPOINT(11);

    private final int value;

    MigrationPhase(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public static MigrationPhase of(int value) {
        for (MigrationPhase p : values()) {
            if (p.value == value) {
                return p;
            }
        }
        throw ErrorCode.MALFORMED.exception("unknown migration phase " + value);
    }

    /** The spelling users type and read: {@code last-pages}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a phase as fault injection names it: a phase's label, or one of the older names
     * {@code pages} (after the first round), {@code before-commit} (= switch-over),
     * {@code after-commit} (= committed), {@code push} (= pushing).
     */
    public static MigrationPhase parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "pages":
                return ROUNDS;
            case "before-commit":
                return SWITCH_OVER;
            case "after-commit":
                return COMMITTED;
            case "push":
                return PUSHING;
            default:
                for (MigrationPhase p : values()) {
                    if (p.label().equals(t)) {
                        return p;
                    }
                }
                throw ErrorCode.INVALID_ARGUMENT.exception("unknown migration phase '" + s + "'; one of begin, rounds, freeze,"
                        + " last-pages, switch-over, committed, pushing");
        }
    }

    @Override
    public String toString() {
        return label();
    }
}
