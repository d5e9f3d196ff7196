package dev.caravan.migration;

import dev.caravan.core.process.ResourceBinding;
import dev.caravan.core.time.Clock;
import dev.caravan.migration.resources.ResourceTransfer;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.Frame;
import dev.caravan.wire.Op;
import dev.caravan.wire.net.FrameClient;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationReport;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The switch-over at the source: the stretch in which the process serves no one. Freeze at a
 * request boundary (commands queue in the mailbox), send the last pages (unless the mode pushes
 * them after the commit), install the resources at the destination, take the object state and
 * the recent replies, and commit; the queued commands are handed off afterwards
 * ({@link HandOff}). Each part is timed ({@link #times}) so that a report says where the
 * downtime went. Used by one {@link SourceSession} on its thread.
 */
final class SwitchOver {
    private final SourceSession session;
    private final MovableProcess process;
    private final Clock clock;
    private long suspendNs;
    private long frozenNs;
    private long pagesDoneNs;
    private long resourcesDoneNs;
    private long stateDoneNs;
    private long committedNs;
    private long[] pagesLeft = new long[0];
    private boolean lastPagesSent;
    private boolean commitSent;
    private List<ResourceTransfer> transfers = List.of();
    private MigrationReport.DestinationCosts destinationCosts = MigrationReport.DestinationCosts.NONE;

    SwitchOver(SourceSession session, MovableProcess process, Clock clock) {
        this.session = session;
        this.process = process;
        this.clock = clock;
    }

    /** Suspends the process at a request boundary and stops any throttle. */
    void freeze() throws InterruptedException {
        suspendNs = clock.nanoTime();
        session.await(process.runner().suspend(), session.settings().processStepTimeoutMs(), "suspending " + process.name());
        frozenNs = clock.nanoTime();
        process.runner().throttlePercent(0);
    }

    /** The pages the destination lacks once frozen: sent now, or left for post-copy. */
    void pagesLeft(long[] pages) {
        this.pagesLeft = pages;
        pagesDoneNs = clock.nanoTime();
    }

    void sendLastPages(PageStreamSender pages) {
        pages.send(pagesLeft, p -> false, session::progress);
        lastPagesSent = true;
        pagesDoneNs = clock.nanoTime();
    }

    /** What post-copy still has to move after the commit (nothing when the last pages went already). */
    long[] missing() {
        return lastPagesSent ? new long[0] : pagesLeft;
    }

    /**
     * Resources, object state, recent replies, then MIG_COMMIT. The resources' answer is not
     * awaited before the commit: the destination handles its frames in order and refuses the
     * commit if installing them failed, which saves a round trip.
     *
     * @param faultPoint fault injection at SWITCH_OVER, after the resources went out
     */
    void commit(FrameClient link, String targetName, boolean postCopy, Runnable faultPoint) throws InterruptedException {
        MigrationEngine engine = session.engine();
        List<ResourceBinding> declared = session.onProcess(() -> process.runner().process().resources());
        transfers = engine.resources().prepare(process.name(), declared, process.runner().resourceUris(), session.cloning());
        CompletableFuture<Frame> resourcesInstalled = link.callAsync(Op.MIG_RESOURCES,
                ResourceTransfer.resourcesBody(targetName, transfers));
        faultPoint.run();
        resourcesDoneNs = clock.nanoTime();
        byte[] state = session.onProcess(() -> {
            BodyWriter w = new BodyWriter();
            process.runner().process().writeState(w);
            return w.toBytes();
        });
        List<MigrationMessages.RecentReply> replies = process.recentReplies().snapshot();
        stateDoneNs = clock.nanoTime();
        byte[] body = new MigrationMessages.Commit(targetName, process.runner().process().stateVersion(), state,
                postCopy ? missing() : new long[0], session.host().controlAddress(), replies).encode();
        session.commitGoingOut();
        commitSent = true;
        destinationCosts = MigrationMessages.readCommitReply(link.call(Op.MIG_COMMIT, body,
                Duration.ofMillis(session.settings().commitTimeoutMs())).expectOk());
        session.await(resourcesInstalled, session.settings().commitTimeoutMs(), "installing resources").expectOk();
        committedNs = clock.nanoTime();
    }

    /** Whether MIG_COMMIT went out: from then on only naming can say who owns the process. */
    boolean commitSent() {
        return commitSent;
    }

    /** After the commit: releases what moved (deletes moved files). */
    void finishResourcesAtSource() {
        try {
            session.engine().resources().finishAtSource(transfers);
        } catch (RuntimeException e) {
            System.getLogger(SwitchOver.class.getName()).log(System.Logger.Level.WARNING,
                    "releasing moved resources of " + process.name() + " at the source: " + e);
        }
    }

    /** After a rollback: the source keeps its resources as they were. */
    void abandonResources() {
        transfers = List.of();
    }

    MigrationReport.SwitchOverTimes times() {
        return new MigrationReport.SwitchOverTimes(micros(suspendNs, frozenNs), micros(frozenNs, pagesDoneNs),
                micros(pagesDoneNs, resourcesDoneNs), micros(resourcesDoneNs, stateDoneNs), micros(stateDoneNs, committedNs));
    }

    MigrationReport.DestinationCosts destinationCosts() {
        return destinationCosts;
    }

    private static long micros(long fromNs, long toNs) {
        return fromNs == 0 || toNs < fromNs ? 0 : (toNs - fromNs) / 1000;
    }
}
