package dev.caravan.migration;

import dev.caravan.core.process.ProcessRunner;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespConnection;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/**
 * After the commit, at the source: stop answering for the process (its data endpoint answers
 * {@code -MOVED} from now on), move the epoch on, and hand the commands that queued up during
 * the switch-over to the destination, relaying their replies to the clients that sent them.
 * Nothing is executed here any more. Runs on the session's thread.
 */
final class HandOff {
    private static final System.Logger LOG = System.getLogger(HandOff.class.getName());

    /** What the hand-off did. */
    record Result(long forwarded) {
        static final Result NONE = new Result(0);
    }

    private final MigrationHost host;

    HandOff(MigrationHost host) {
        this.host = host;
    }

    Result afterCommit(MovableProcess process, String destNode, String destHost, int destDataPort, long newEpoch)
            throws InterruptedException {
        String destData = destHost + ":" + destDataPort;
        host.removeAfterMove(process, newEpoch, destData);
        process.runner().epoch(newEpoch);
        List<ProcessRunner.PendingBatch> pending = process.runner().handOff();
        long forwarded = 0;
        if (!pending.isEmpty()) {
            try (RespConnection f = new RespConnection(new InetSocketAddress(destHost, destDataPort))) {
                for (ProcessRunner.PendingBatch b : pending) {
                    b.completion().complete(f.forward(b.commands()));
                    forwarded += b.commands().length;
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "forwarding " + pending.size() + " queued batches of " + process.name()
                        + " to " + destData + " failed: " + e);
                for (ProcessRunner.PendingBatch b : pending) {
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
}
