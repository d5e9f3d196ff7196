package dev.caravan.migration;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.SessionLinkConnection;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * After the commit, at the source: the batches that were parked on a blocking command (a BLPOP
 * waiting for a push, {@link ProcessRunner.PendingBatch#isParked()}) go to the destination,
 * each on a connection of its own, and their answers are relayed to their clients whenever
 * they come. Unlike queued batches no answer deadline applies: the client asked to wait, with a
 * timeout of 0 for ever. The blocking command runs anew at the destination, so its timeout
 * starts again there. Each batch waits on a virtual thread of its own; nothing here touches
 * the process, whose memory may be freed meanwhile.
 */
final class ParkedHandOff {
    private static final System.Logger LOG = System.getLogger(ParkedHandOff.class.getName());

    private ParkedHandOff() {
    }

    /**
     * Starts forwarding every batch of {@code parked} to {@code destination}; returns at once.
     * A batch that cannot be sent is answered {@code moved} (the client may resend it there); one
     * whose connection is lost after sending is answered with an error saying it may have run.
     */
    static void forwardEach(List<ProcessRunner.PendingBatch> parked, String processName, HandOffLink destination, String moved) {
        for (ProcessRunner.PendingBatch b : parked) {
            Thread.ofVirtual().name("hand-off-parked-" + processName).start(() -> forward(b, destination, moved));
        }
    }

    /** Over a session link, in the client's session, so that its state applies and its close drops the batch there. */
    private static void forward(ProcessRunner.PendingBatch b, HandOffLink destination, String moved) {
        SessionLinkConnection f;
        try {
            f = destination.open();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "a blocked batch could not be handed to " + destination + ": " + e);
            b.completion().complete(fill(b.commands().length, Reply.error(moved)));
            return;
        }
        try (f) {
            b.completion().complete(f.batch(b.client().sessionId(), b.client().addr(), b.client().laddr(), b.commands()));
        } catch (IOException | RuntimeException e) {
            // Answered exactly once on every path: the endpoint waiting for it releases the batch's off-heap arguments then.
            b.completion().complete(fill(b.commands().length, Reply.error("ERR connection to the process at "
                    + destination.data() + " lost while a blocking command waited there; it may or may not have run")));
        }
    }

    private static Reply[] fill(int n, Reply r) {
        Reply[] replies = new Reply[n];
        Arrays.fill(replies, r);
        return replies;
    }
}
