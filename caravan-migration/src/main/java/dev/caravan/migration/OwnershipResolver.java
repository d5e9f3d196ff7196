package dev.caravan.migration;

import dev.caravan.core.time.Clock;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.MigrationOutcome;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Decides, after a commit whose answer was lost, who owns the process: the source (resume) or
 * the destination (its registration went through). Asks naming, again and again with a growing
 * pause (scheduled on the node's scheduler, not slept) while naming cannot answer, until
 * {@link MigrationSettings#ownershipResolveMs}; the process stays frozen meanwhile and never
 * runs twice. Past the deadline the answer is {@link MigrationOutcome#IN_DOUBT}.
 */
final class OwnershipResolver {
    private static final System.Logger LOG = System.getLogger(OwnershipResolver.class.getName());

    private final MigrationHost host;
    private final MigrationSettings settings;

    OwnershipResolver(MigrationHost host, MigrationSettings settings) {
        this.host = host;
        this.settings = settings;
    }

    /** COMMITTED (the destination owns it), RESUMED_AT_SOURCE (resume here) or IN_DOUBT. */
    MigrationOutcome afterFailedCommit(MovableProcess process, long oldEpoch) throws InterruptedException {
        Clock clock = host.clock();
        long deadlineMs = clock.nowMs() + settings.ownershipResolveMs();
        long pauseMs = 20;
        while (true) {
            try {
                Optional<MigrationHost.Owner> owner = host.ownerOf(process.name());
                if (owner.isPresent() && owner.get().epoch() > oldEpoch) {
                    LOG.log(System.Logger.Level.WARNING, "process " + process.name() + " was committed at "
                            + owner.get().node() + " although its answer was lost");
                    return MigrationOutcome.COMMITTED;
                }
                // An absent entry proves nothing (the destination may have registered, served and died):
                // only our own entry at the old epoch lets the source resume.
                if (host.ownsProcesses() && owner.isPresent() && owner.get().node().equals(host.nodeId())
                        && owner.get().epoch() == oldEpoch) {
                    return MigrationOutcome.RESUMED_AT_SOURCE;
                }
            } catch (CaravanException e) {
                LOG.log(System.Logger.Level.INFO, "cannot ask naming who owns " + process.name() + " yet: " + e.getMessage());
            }
            if (clock.nowMs() >= deadlineMs) {
                return MigrationOutcome.IN_DOUBT;
            }
            CompletableFuture<Void> later = new CompletableFuture<>();
            host.schedule(() -> later.complete(null), pauseMs);
            try {
                later.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
            pauseMs = Math.min(500, pauseMs * 2);
        }
    }
}
