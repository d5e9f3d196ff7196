package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * Body of {@link dev.caravan.wire.Op#NODE_MIGRATE}, sent to the node that hosts the process.
 *
 * <pre>
 * request := string name, string toNode, u8 mode, i64 maxDowntimeMs, i32 maxRounds, i32 hybridRounds,
 *            bool clone, string newName, string fault
 * </pre>
 *
 * @param maxDowntimeMs pre-copy stops iterating once what is left fits this at the measured bandwidth
 * @param maxRounds     pre-copy rounds at most before the final stop-and-copy
 * @param hybridRounds  pre-copy rounds before a hybrid migration switches to post-copy
 * @param cloning       copy instead of move: the original keeps running, the copy gets {@code newName}
 * @param fault         fault injection for tests, "" for none: {@code role:action:phase} with role
 *                      source|dest, action halt|cut|pause, phase a {@link MigrationPhase} label (the source
 *                      fires in begin … pushing, the destination in begin, switch-over and committed)
 */
public record MigrationRequest(String name, String toNode, MigrationMode mode, long maxDowntimeMs, int maxRounds,
                               int hybridRounds, boolean cloning, String newName, String fault) {
    public MigrationRequest {
        if (maxDowntimeMs < 1) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--max-downtime must be at least 1 ms, got " + maxDowntimeMs);
        }
        if (maxRounds < 1 || maxRounds > 1000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--max-rounds must be 1..1000, got " + maxRounds);
        }
        if (hybridRounds < 1 || hybridRounds > 1000) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--hybrid-rounds must be 1..1000, got " + hybridRounds);
        }
        if (cloning && newName.isEmpty()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a clone needs a new name");
        }
    }

    public void writeTo(BodyWriter w) {
        w.string(name).string(toNode).u8(mode.value()).i64(maxDowntimeMs).i32(maxRounds).i32(hybridRounds).bool(cloning)
                .string(newName).string(fault);
    }

    public static MigrationRequest readFrom(BodyReader r) {
        return new MigrationRequest(r.string(), r.string(), MigrationMode.of(r.u8()), r.i64(), r.i32(), r.i32(), r.bool(),
                r.string(), r.string());
    }
}
