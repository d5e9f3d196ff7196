package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * One process's progress in a drain: pushed as an {@link dev.caravan.wire.Op#EVENT} at each
 * stage, and, at its last stage, an element of the {@link DrainReport}.
 *
 * <pre>
 * step := string name, u8 stage, string toNode, u8 mode, i64 downtimeMicros, i64 totalMs, string detail
 * </pre>
 *
 * @param toNode         where it goes (MOVING, RETRYING) or went (MOVED); "" when no node had room
 * @param downtimeMicros its migration's downtime (MOVED), else 0
 * @param totalMs        its migration's duration (MOVED), else 0
 * @param detail         why it did not move (STAYED), why the first try failed (RETRYING), else ""
 */
public record DrainStep(String name, Stage stage, String toNode, MigrationMode mode, long downtimeMicros, long totalMs,
                        String detail) {

    /** Where a process is in a drain. Wire value in parentheses. */
    public enum Stage {
        /** A migration to {@code toNode} has started (1). */
        MOVING(1),
        /** The migration committed: the process runs on {@code toNode} (2). */
        MOVED(2),
        /** The first migration failed and the process stayed; a second goes to {@code toNode} (3). */
        RETRYING(3),
        /** The process stays on the drained node; {@code detail} says why (4). */
        STAYED(4);

        private final int value;

        Stage(int value) {
            this.value = value;
        }

        public int value() {
            return value;
        }

        public static Stage of(int value) {
            for (Stage s : values()) {
                if (s.value == value) {
                    return s;
                }
            }
            throw ErrorCode.MALFORMED.exception("unknown drain stage " + value);
        }
    }

    public static DrainStep moving(String name, String toNode, MigrationMode mode) {
        return new DrainStep(name, Stage.MOVING, toNode, mode, 0, 0, "");
    }

    public static DrainStep stayed(String name, MigrationMode mode, String why) {
        return new DrainStep(name, Stage.STAYED, "", mode, 0, 0, why);
    }

    /** One line for people: "kv1 moved to n2 (pre-copy, 412 ms, downtime 3.2 ms)". */
    public String describe() {
        return switch (stage) {
            case MOVING -> name + " moving to " + toNode + " (" + mode + ")";
            case MOVED -> String.format(java.util.Locale.ROOT, "%s moved to %s (%s, %d ms, downtime %.1f ms)", name, toNode, mode,
                    totalMs, downtimeMicros / 1000.0);
            case RETRYING -> name + " retrying on " + toNode + " after: " + detail;
            case STAYED -> name + " stays: " + detail;
        };
    }

    public void writeTo(BodyWriter w) {
        w.string(name).u8(stage.value()).string(toNode).u8(mode.value()).i64(downtimeMicros).i64(totalMs).string(detail);
    }

    public static DrainStep readFrom(BodyReader r) {
        return new DrainStep(r.string(), Stage.of(r.u8()), r.string(), MigrationMode.of(r.u8()), r.i64(), r.i64(), r.string());
    }
}
