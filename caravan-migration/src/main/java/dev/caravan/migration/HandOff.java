package dev.caravan.migration;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;
import dev.caravan.wire.resp.RespLimits;

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
 * and their clients retry at the destination themselves. Runs on the session's thread.
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

    Result afterCommit(MovableProcess process, String destNode, String destHost, int destDataPort, long newEpoch)
            throws InterruptedException {
        String destData = destHost + ":" + destDataPort;
        host.removeAfterMove(process, newEpoch, destData);
        process.runner().epoch(newEpoch);
        List<ProcessRunner.PendingBatch> pending = process.runner().handOff();
        long forwarded = 0;
        int answered = 0;
        if (!pending.isEmpty()) {
            // Replies over 1 MiB are read off-heap and handed to the waiting clients' endpoints, which release them.
            try (RespConnection f = new RespConnection(new InetSocketAddress(destHost, destDataPort), RespLimits.DEFAULTS)) {
                for (ProcessRunner.PendingBatch b : pending) {
                    b.completion().complete(forward(f, b.commands()));
                    answered++;
                    forwarded += b.commands().length;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "forwarding " + (pending.size() - answered) + " queued batches of "
                        + process.name() + " to " + destData + " failed: " + e);
                for (ProcessRunner.PendingBatch b : pending.subList(answered, pending.size())) {
                    Reply[] r = new Reply[b.commands().length];
                    Arrays.fill(r, Reply.error("MOVED " + newEpoch + " " + destData));
                    b.completion().complete(r);
                }
            }
        }
        LOG.log(System.Logger.Level.INFO, "process " + process.name() + " moved to " + destNode + " (epoch " + newEpoch
                + "); forwarded " + forwarded + " queued commands");
        return new Result(forwarded);
    }

    /**
     * One batch to the destination and its replies, within the answer deadline: a destination
     * that accepts the connection but never answers (frozen, overloaded) must not hold the
     * source's session, and the clients waiting behind it, forever.
     */
    private Reply[] forward(RespConnection f, Command[] commands) throws IOException, InterruptedException {
        CompletableFuture<Reply[]> replies = new CompletableFuture<>();
        Thread.ofVirtual().name("hand-off-" + f.target()).start(() -> {
            try {
                replies.complete(f.forward(commands));
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
