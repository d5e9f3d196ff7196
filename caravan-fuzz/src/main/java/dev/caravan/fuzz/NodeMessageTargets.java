package dev.caravan.fuzz;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.CaravanException;
import dev.caravan.wire.node.ClientBundleProtocol;
import dev.caravan.wire.node.DrainReport;
import dev.caravan.wire.node.DrainRequest;
import dev.caravan.wire.node.DrainStep;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.EvalResult;
import dev.caravan.wire.node.LoadReport;
import dev.caravan.wire.node.MigrationMessages;
import dev.caravan.wire.node.MigrationProgress;
import dev.caravan.wire.node.MigrationReport;
import dev.caravan.wire.node.MigrationRequest;
import dev.caravan.wire.node.NodeStatus;
import dev.caravan.wire.node.ProcessInfo;
import dev.caravan.wire.node.ProcessSpec;
import dev.caravan.wire.node.PullRequest;
import dev.caravan.wire.node.ResourceProtocol;
import dev.caravan.wire.node.StopReply;

import java.util.List;
import java.util.function.Function;

/**
 * Every body reader of the node control and migration ports ({@code dev.caravan.wire.node}),
 * chosen by the input's first byte (modulo the count) and fed the rest. Contract: a reader
 * returns or throws {@link CaravanException}; anything else is a finding.
 */
public final class NodeMessageTargets {
    /** The largest client bundle a reply may declare here (small: a lying length must not be "valid"). */
    static final int MAX_JAR_BYTES = 1 << 20;

    /** The readers, in selector order; names for the seeds and reports. */
    static final List<Reader> READERS = List.of(
            new Reader("ProcessSpec", ProcessSpec::readFrom),
            new Reader("MigrationRequest", MigrationRequest::readFrom),
            new Reader("MigrationProgress", MigrationProgress::readFrom),
            new Reader("MigrationReport", MigrationReport::readFrom),
            new Reader("MigrationMessages.Begin", MigrationMessages.Begin::decode),
            new Reader("MigrationMessages.BeginReply", MigrationMessages.BeginReply::decode),
            new Reader("MigrationMessages.Commit", MigrationMessages.Commit::decode),
            new Reader("MigrationMessages.Fetch", MigrationMessages.Fetch::decode),
            new Reader("MigrationMessages.recentReplies", MigrationMessages::readRecentReplies),
            new Reader("MigrationMessages.commitReply", MigrationMessages::readCommitReply),
            new Reader("MigrationMessages.nameOnly", MigrationMessages::readNameOnly),
            new Reader("StopReply", StopReply::readFrom),
            new Reader("DrainStep", DrainStep::readFrom),
            new Reader("DrainReport", DrainReport::readFrom),
            new Reader("DrainRequest", DrainRequest::readFrom),
            new Reader("EvalRequest", EvalRequest::readFrom),
            new Reader("EvalResult", EvalResult::readFrom),
            new Reader("NodeStatus", NodeStatus::readFrom),
            new Reader("ProcessInfo", ProcessInfo::readFrom),
            new Reader("LoadReport", LoadReport::readFrom),
            new Reader("PullRequest", PullRequest::readFrom),
            new Reader("PullRequest.Reply", PullRequest.Reply::readFrom),
            new Reader("ResourceProtocol.Transfer", ResourceProtocol.Transfer::readFrom),
            new Reader("ResourceProtocol.resources", ResourceProtocol::readResources),
            new Reader("ResourceProtocol.uris", ResourceProtocol::readUris),
            new Reader("ResourceProtocol.readRequest", ResourceProtocol::readReadRequest),
            new Reader("ClientBundleProtocol.Reply", r -> ClientBundleProtocol.Reply.readFrom(r, MAX_JAR_BYTES)));

    private NodeMessageTargets() {
    }

    /** One reader; {@code read} consumes a body (its result is dropped). */
    record Reader(String name, Function<BodyReader, ?> read) {
    }

    /** The fuzz target: byte 0 picks the reader, the rest is its body. */
    public static void bodies(byte[] input) {
        if (input.length == 0) {
            return;
        }
        Reader reader = READERS.get(Byte.toUnsignedInt(input[0]) % READERS.size());
        try {
            reader.read().apply(new BodyReader(input, 1, input.length - 1));
        } catch (CaravanException expected) {
            // a typed refusal
        }
    }

    /** An input for {@link #bodies} that hands {@code body} to reader number {@code index}. */
    static byte[] select(int index, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = (byte) index;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }
}
