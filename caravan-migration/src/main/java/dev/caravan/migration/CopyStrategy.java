package dev.caravan.migration;

import dev.caravan.wire.node.MigrationMessages.Allocation;
import dev.caravan.wire.node.MigrationMode;
import dev.caravan.wire.node.MigrationRequest;

/**
 * What a migration mode changes in the one source state machine ({@link SourceSession}): how
 * many pre-copy rounds run before the freeze, whether the pages left go before the commit
 * (stop-and-copy, pre-copy) or after it (post-copy, hybrid: the destination resumes first and
 * faults in what it lacks), and when the destination allocates memory. Immutable.
 */
record CopyStrategy(MigrationMode mode, int maxRounds, boolean pushesAfterCommit, Allocation allocation) {

    static CopyStrategy of(MigrationRequest request) {
        return switch (request.mode()) {
            case STOP_AND_COPY -> new CopyStrategy(MigrationMode.STOP_AND_COPY, 0, false, Allocation.BEFORE_REPLY);
            case PRE_COPY -> new CopyStrategy(MigrationMode.PRE_COPY, request.maxRounds(), false, Allocation.ALONGSIDE_FIRST_ROUND);
            case POST_COPY -> new CopyStrategy(MigrationMode.POST_COPY, 0, true, Allocation.ON_ARRIVAL);
            case HYBRID -> new CopyStrategy(MigrationMode.HYBRID, request.hybridRounds(), true, Allocation.ON_ARRIVAL);
        };
    }

    /** Whether any page is sent while the process still runs. */
    boolean iterates() {
        return maxRounds > 0;
    }

    /** Whether rounds stop by the downtime budget (pre-copy) or only by their count (hybrid). */
    boolean stopsWithinBudget() {
        return mode == MigrationMode.PRE_COPY;
    }
}
