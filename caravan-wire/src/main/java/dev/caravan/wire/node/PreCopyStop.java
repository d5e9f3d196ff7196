package dev.caravan.wire.node;

import dev.caravan.wire.ErrorCode;

/** Why pre-copy stopped iterating and froze the process (Xen's and QEMU's stop rules). Wire value in parentheses. */
public enum PreCopyStop {
    /** No pre-copy rounds (stop-and-copy, post-copy, checkpoints of tiny state) (0). */
    NONE(0, "no rounds"),
    /** What was left fit the downtime budget at the measured bandwidth (1). */
    WITHIN_BUDGET(1, "what was left fit the downtime budget"),
    /** The round limit was reached (2). */
    MAX_ROUNDS(2, "the round limit was reached"),
    /** Three times the state had been sent (3). */
    SENT_THREE_TIMES(3, "three times the state had been sent"),
    /** Rounds stopped shrinking although the process was throttled to the maximum (4). */
    NOT_CONVERGING(4, "dirtying outran sending even at the maximum throttle"),
    /** Hybrid: the pre-copy rounds before post-copy were done (5). */
    HYBRID_ROUNDS_DONE(5, "the hybrid pre-copy rounds were done");

    private final int value;
    private final String reason;

    PreCopyStop(int value, String reason) {
        this.value = value;
        this.reason = reason;
    }

    public int value() {
        return value;
    }

    /** A phrase for reports: "the round limit was reached". */
    public String reason() {
        return reason;
    }

    /** The spelling reports and JSON use: {@code within-budget}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static PreCopyStop of(int value) {
        for (PreCopyStop s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        throw ErrorCode.MALFORMED.exception("unknown pre-copy stop reason " + value);
    }
}
