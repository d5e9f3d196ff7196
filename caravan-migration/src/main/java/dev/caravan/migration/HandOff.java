package dev.caravan.migration;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.SessionLink;
import dev.caravan.wire.resp.SessionLinkConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * After the commit, at the source: stop answering for the process (its data endpoint answers
 * {@code -MOVED} from now on), move the epoch on, and hand the commands that queued up during
 * the switch-over to the destination, relaying their replies to the clients that sent them.
 * Nothing is executed here any more. Each forwarded batch must be answered within the commit
 * deadline ({@link MigrationSettings#commitTimeoutMs}); the batches left then get {@code -MOVED}
 * and their clients retry at the destination themselves. Batches parked on a blocking command
 * (a BLPOP waiting for a push) go on after them, each on its own, with no deadline
 * ({@link ParkedHandOff}). Runs on the session's thread.
 *
 * <p>The batches go over a {@link SessionLink} to the destination's data endpoint ({@link HandOffLink}:
 * over TLS to its RESP-over-TLS front when this node runs TLS, never plaintext then), each in the
 * session of the client that sent it (its {@link dev.caravan.core.process.ClientRef}), so that
 * per-client state (a transaction in progress, the protocol version, authentication) applies
 * to them there as it would have here; control replies come back as such (the source's endpoint
 * then closes a client whose command said so). Closed-client notices that were queued go along
 * in their place, so the destination drops those sessions.
 */
final class HandOff {
    private static final System.Logger LOG = System.getLogger(HandOff.class.getName());

    /** What the hand-off did. */
    record Result(long forwarded) {
        static final Result NONE = new Result(0);
    }

    private final MigrationHost host;
    private final long answerTimeoutMs;

    /** @param answerTimeoutMs how long the destination may take to answer a forwarded batch */
    HandOff(MigrationHost host, long answerTimeoutMs) {
        this.host = host;
        this.answerTimeoutMs = answerTimeoutMs;
    }

    /**
     * @param destTlsPort the destination data endpoint's RESP-over-TLS port (0: none); a TLS node hands
     *                    off only there ({@link HandOffLink})
     */
    Result afterCommit(MovableProcess process, String destNode, String destHost, int destDataPort, int destTlsPort, long newEpoch)
            throws InterruptedException {
        String destData = destHost + ":" + destDataPort;
        HandOffLink link = new HandOffLink(host.transportSecurity(), host.linkToken(), new InetSocketAddress(destHost, destDataPort),
                destTlsPort);
        host.removeAfterMove(process, newEpoch, destData, link);
        process.runner().epoch(newEpoch);
        List<ProcessRunner.PendingBatch> handedOff = process.runner().handOff();
        List<ProcessRunner.PendingBatch> parked = handedOff.stream().filter(ProcessRunner.PendingBatch::isParked).toList();
        List<ProcessRunner.PendingBatch> pending = handedOff.stream().filter(b -> !b.isParked()).toList();
        long forwarded = 0;
        int answered = 0;
        if (!pending.isEmpty()) {
            // Off-heap arguments are streamed (the batches hold them until completed); replies over 1 MiB are
            // read off-heap and handed to the waiting clients' endpoints, which release them.
            try (SessionLinkConnection f = link.open()) {
                for (ProcessRunner.PendingBatch b : pending) {
                    if (b.isClientClosed()) {
                        forward(f, () -> new Reply[] {f.closed(b.client().sessionId())});
                    } else if (b.commands().length == 0) {
                        b.completion().complete(new Reply[0]);
                    } else {
                        b.completion().complete(forward(f, () -> f.batch(b.client().sessionId(), b.client().addr(),
                                b.client().laddr(), b.commands())));
                        forwarded += b.commands().length;
                    }
                    answered++;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "forwarding " + (pending.size() - answered) + " queued batches of "
                        + process.name() + " to " + link + " failed: " + e);
                for (ProcessRunner.PendingBatch b : pending.subList(answered, pending.size())) {
                    if (b.isClientClosed()) {
                        continue;
                    }
                    Reply[] r = new Reply[b.commands().length];
                    Arrays.fill(r, Reply.error("MOVED " + newEpoch + " " + destData));
                    b.completion().complete(r);
                }
            }
        }
        ParkedHandOff.forwardEach(parked, process.name(), link, "MOVED " + newEpoch + " " + destData);
        LOG.log(System.Logger.Level.INFO, "process " + process.name() + " moved to " + destNode + " (epoch " + newEpoch
                + "); forwarded " + forwarded + " queued commands and " + parked.size() + " blocked batches");
        return new Result(forwarded);
    }

    /** One exchange over the link. */
    @FunctionalInterface
    private interface Exchange {
        Reply[] run() throws IOException;
    }

    /**
     * One exchange with the destination and its replies, within the answer deadline: a destination
     * that accepts the connection but never answers (frozen, overloaded) must not hold the
     * source's session, and the clients waiting behind it, forever.
     */
    private Reply[] forward(SessionLinkConnection f, Exchange exchange) throws IOException, InterruptedException {
        CompletableFuture<Reply[]> replies = new CompletableFuture<>();
        Thread.ofVirtual().name("hand-off-" + f.target()).start(() -> {
            try {
                replies.complete(exchange.run());
            } catch (IOException | RuntimeException e) {
                replies.completeExceptionally(e);
            }
        });
        try {
            return replies.get(answerTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.close();
            replies.thenAccept(late -> Arrays.stream(late).forEach(Reply::release));
            throw new IOException("no answer to forwarded commands within " + answerTimeoutMs + " ms");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }
}
