package dev.caravan.wire.node;

import dev.caravan.wire.ErrorCode;

/** How a migration, clone, checkpoint or restore ended. Wire value in parentheses; the label is what users read. */
public enum MigrationOutcome {
    /** The destination owns the process now (1). */
    COMMITTED(1, "committed"),
    /** Failed before commit: the source kept the process and resumed it (2). */
    RESUMED_AT_SOURCE(2, "resumed-at-source"),
    /** Cancelled before commit by the operator: the source kept the process and resumed it (3). */
    CANCELLED(3, "cancelled"),
    /** A copy runs at the destination under its new name; the original kept running (4). */
    CLONED(4, "cloned"),
    /** A consistent checkpoint was written (5). */
    CHECKPOINTED(5, "checkpointed"),
    /** A checkpoint runs again as a process (6). */
    RESTORED(6, "restored"),
    /** The source could not learn whether the commit went through: the process stays frozen there, never runs twice (7). */
    IN_DOUBT(7, "in-doubt"),
    /** The process was lost (for example a post-copy source died mid-push) (8). */
    FAILED(8, "failed");

    private final int value;
    private final String label;

    MigrationOutcome(int value, String label) {
        this.value = value;
        this.label = label;
    }

    public int value() {
        return value;
    }

    public String label() {
        return label;
    }

    /** Whether the operation did what was asked. */
    public boolean succeeded() {
        return this == COMMITTED || this == CLONED || this == CHECKPOINTED || this == RESTORED;
    }

    public static MigrationOutcome of(int value) {
        for (MigrationOutcome o : values()) {
            if (o.value == value) {
                return o;
            }
        }
        throw ErrorCode.MALFORMED.exception("unknown migration outcome " + value);
    }

    @Override
    public String toString() {
        return label;
    }
}
