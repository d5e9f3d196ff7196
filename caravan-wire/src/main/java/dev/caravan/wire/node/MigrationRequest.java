package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;

/**
 * Body of {@link dev.caravan.wire.Op#NODE_MIGRATE}, sent to the node that hosts the process.
 *
 * <pre>
 * request := string name, string toNode, u8 mode, i64 maxDowntimeMs, i32 maxRounds, i32 hybridRounds,
 *            bool clone, string newName, string fault                ── version 1 ends here
 *            [u8 version (=2), string upgradeTo]                       only when upgradeTo is not empty
 * </pre>
 *
 * Versions only append, and the version-2 tail is written only when it says something, so a
 * version-1 node still reads every request that does not upgrade (and refuses one that does with
 * MALFORMED, before anything moved). A body that ends after {@code fault} is version 1.
 *
 * @param maxDowntimeMs pre-copy stops iterating once what is left fits this at the measured bandwidth
 * @param maxRounds     pre-copy rounds at most before the final stop-and-copy
 * @param hybridRounds  pre-copy rounds before a hybrid migration switches to post-copy
 * @param cloning       copy instead of move: the original keeps running, the copy gets {@code newName}
 * @param fault         fault injection for tests, "" for none: {@code role:action:phase} with role
 *                      source|dest, action halt|cut|pause, phase a {@link MigrationPhase} label (the source
 *                      fires in begin … pushing, the destination in begin, switch-over and committed)
 * @param upgradeTo     "" to run the process's own bundle at the destination; else the hash of another
 *                      bundle (64 hex digits) that the destination runs instead — the same class name, a
 *                      newer build — which must read the state version the process writes, or the
 *                      destination refuses before the source gives up ownership. Moves only, not clones.
 */
public record MigrationRequest(String name, String toNode, MigrationMode mode, long maxDowntimeMs, int maxRounds,
                               int hybridRounds, boolean cloning, String newName, String fault, String upgradeTo) {
    /** The version of the request this build writes when it upgrades. */
    public static final int VERSION = 2;
    private static final java.util.regex.Pattern HASH = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /** A request that runs the process's own bundle at the destination. */
    public MigrationRequest(String name, String toNode, MigrationMode mode, long maxDowntimeMs, int maxRounds,
                            int hybridRounds, boolean cloning, String newName, String fault) {
        this(name, toNode, mode, maxDowntimeMs, maxRounds, hybridRounds, cloning, newName, fault, "");
    }

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
        if (!upgradeTo.isEmpty() && !HASH.matcher(upgradeTo).matches()) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--upgrade-to takes a bundle hash of 64 lower-case hex digits, got '"
                    + upgradeTo + "'");
        }
        if (!upgradeTo.isEmpty() && cloning) {
            throw ErrorCode.INVALID_ARGUMENT.exception("a clone runs its original's bundle; upgrade by migrating (--upgrade-to)");
        }
    }

    public void writeTo(BodyWriter w) {
        w.string(name).string(toNode).u8(mode.value()).i64(maxDowntimeMs).i32(maxRounds).i32(hybridRounds).bool(cloning)
                .string(newName).string(fault);
        if (!upgradeTo.isEmpty()) {
            w.u8(VERSION).string(upgradeTo);
        }
    }

    /** Reads a version-1 or version-2 request; the caller expects the end (a later version is refused). */
    public static MigrationRequest readFrom(BodyReader r) {
        String name = r.string();
        String toNode = r.string();
        MigrationMode mode = MigrationMode.of(r.u8());
        long maxDowntimeMs = r.i64();
        int maxRounds = r.i32();
        int hybridRounds = r.i32();
        boolean cloning = r.bool();
        String newName = r.string();
        String fault = r.string();
        String upgradeTo = "";
        if (r.remaining() > 0) {
            int version = r.u8();
            if (version < VERSION) {
                throw ErrorCode.MALFORMED.exception("migration request version " + version + " after the version-1 fields");
            }
            if (version > VERSION) {
                // A request is an order: a field this node does not know might change what it asks.
                throw ErrorCode.UNSUPPORTED_VERSION.exception("migration request version " + version + "; this node reads 1 and "
                        + VERSION);
            }
            upgradeTo = r.string();
        }
        return new MigrationRequest(name, toNode, mode, maxDowntimeMs, maxRounds, hybridRounds, cloning, newName, fault,
                upgradeTo);
    }
}
