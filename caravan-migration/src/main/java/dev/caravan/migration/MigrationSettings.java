package dev.caravan.migration;

import dev.caravan.wire.ErrorCode;

/**
 * Every deadline and bound of the migration engine, in one place, validated before any thread
 * starts ({@link #validate}). Immutable.
 *
 * @param connectTimeoutMs      opening a link to a peer's control port
 * @param beginTimeoutMs        MIG_BEGIN's answer (the destination may allocate memory first)
 * @param processStepTimeoutMs  one step on the process thread (take dirty pages, write state, suspend)
 * @param pageStreamStallMs     the page stream making no progress (nothing written, no ack) for this long fails it
 * @param commitTimeoutMs       MIG_COMMIT's answer (naming registration and start at the destination)
 * @param pushAckTimeoutMs      a background-pushed frame's acknowledgement
 * @param fetchTimeoutMs        one post-copy fault's answer from the source
 * @param arrivalIdleTimeoutMs  an arriving process that hears nothing from its source for this long is discarded
 * @param movedAnswerMs         how long the old data endpoint keeps answering MOVED after a move
 * @param ownershipResolveMs    after a failed commit, how long the source keeps asking naming who owns the process
 * @param awaitCompleteMs       how long a new migration waits for a post-copy still pulling pages to complete
 * @param prePagingMaxPages     neighbours a post-copy fault brings at most (adaptive pre-paging)
 * @param faultPauseMs          how long an injected {@code pause} fault holds its phase (tests only)
 */
public record MigrationSettings(long connectTimeoutMs, long beginTimeoutMs, long processStepTimeoutMs,
                                long pageStreamStallMs, long commitTimeoutMs, long pushAckTimeoutMs, long fetchTimeoutMs,
                                long arrivalIdleTimeoutMs, long movedAnswerMs, long ownershipResolveMs,
                                long awaitCompleteMs, int prePagingMaxPages, long faultPauseMs) {

    /** Defaults for daemons that users run. */
    public static MigrationSettings defaults() {
        return new MigrationSettings(10_000, 120_000, 30_000, 10_000, 10_000, 30_000, 10_000, 30_000, 30_000, 60_000,
                30_000, 64, 2_000);
    }

    /** A copy whose injected {@code pause} faults last {@code pauseMs} (tests that run many cases keep it short). */
    public MigrationSettings withFaultPauseMs(long pauseMs) {
        return new MigrationSettings(connectTimeoutMs, beginTimeoutMs, processStepTimeoutMs, pageStreamStallMs,
                commitTimeoutMs, pushAckTimeoutMs, fetchTimeoutMs, arrivalIdleTimeoutMs, movedAnswerMs, ownershipResolveMs,
                awaitCompleteMs, prePagingMaxPages, pauseMs);
    }

    /** Checks every value; throws INVALID_ARGUMENT naming the first bad one. */
    public MigrationSettings validate() {
        positive("connect timeout", connectTimeoutMs);
        positive("begin timeout", beginTimeoutMs);
        positive("process step timeout", processStepTimeoutMs);
        positive("page stream stall deadline", pageStreamStallMs);
        positive("commit timeout", commitTimeoutMs);
        positive("push acknowledgement timeout", pushAckTimeoutMs);
        positive("fetch timeout", fetchTimeoutMs);
        positive("arrival idle timeout", arrivalIdleTimeoutMs);
        positive("MOVED answer time", movedAnswerMs);
        positive("ownership resolve time", ownershipResolveMs);
        positive("await-complete time", awaitCompleteMs);
        positive("fault pause", faultPauseMs);
        if (prePagingMaxPages < 0 || prePagingMaxPages > dev.caravan.wire.node.MigrationMessages.Fetch.MAX_AROUND) {
            throw ErrorCode.INVALID_ARGUMENT.exception("pre-paging must be 0.."
                    + dev.caravan.wire.node.MigrationMessages.Fetch.MAX_AROUND + " pages, got " + prePagingMaxPages);
        }
        return this;
    }

    private static void positive(String what, long ms) {
        if (ms <= 0 || ms > 3_600_000) {
            throw ErrorCode.INVALID_ARGUMENT.exception(what + " must be 1..3600000 ms, got " + ms);
        }
    }
}
