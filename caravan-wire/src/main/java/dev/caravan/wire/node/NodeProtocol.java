package dev.caravan.wire.node;

/**
 * Body layouts of the node control port's operations (see {@link dev.caravan.wire.Op}).
 * Every request starts with the HELLO handshake of {@link dev.caravan.wire.net.Hello}.
 *
 * <pre>
 * NODE_PUT_BUNDLE  req: string expectedHash ("" = none), bytes jar     reply: string hash
 * NODE_GET_BUNDLE  req: string hash                                   reply: bytes jar
 * NODE_PUT_SIGNED_BUNDLE    req: string expectedHash, bytes jar,      reply: string hash
 *                                bytes signature ("" = unsigned)
 * NODE_GET_BUNDLE_SIGNATURE req: string hash                          reply: bytes signature ("" = none)
 * NODE_START       req: {@link ProcessSpec}                            reply: {@link ProcessInfo}
 * NODE_STOP        req: string name                                   reply: {@link StopReply}
 * NODE_LIST        req: (empty)                                       reply: i32 n, n × ProcessInfo
 * NODE_INSPECT     req: string name                                   reply: ProcessInfo
 * NODE_CALL        req: string name, i64 clientId, i64 requestId,     reply: reply (CommandCodec)
 *                       command (CommandCodec)
 * NODE_SHUTDOWN    req: (empty)                                       reply: (empty), then the node exits
 * NODE_STATUS      req: (empty)                                       reply: {@link NodeStatus}
 * NODE_CORDON      req: (empty)                                       reply: NodeStatus (schedulable false)
 * NODE_UNCORDON    req: (empty)                                       reply: NodeStatus (schedulable true)
 * NODE_DRAIN       req: {@link DrainRequest}                          EVENTs: {@link DrainStep}; reply: {@link DrainReport}
 * </pre>
 *
 * A NODE_CALL for a process this node does not own is answered with
 * {@link dev.caravan.wire.ErrorCode#NOT_HERE}: the caller re-resolves and retries; the command
 * was not executed. A (clientId, requestId) pair seen before is answered from the node's
 * recent-replies table instead of being executed again (requestId 0 means "do not deduplicate").
 * A NODE_CALL for a FAILED process is refused at once with
 * {@link dev.caravan.wire.ErrorCode#PROCESS_FAILED} and the reason. NODE_STOP of a process that is
 * being moved is refused with {@link dev.caravan.wire.ErrorCode#BUSY}; otherwise it answers within
 * the node's stop deadline plus a small margin, even when the process does not stop.
 *
 * <p>A cordoned node (NODE_CORDON, NODE_DRAIN) publishes {@code schedulable=false} in its
 * {@code node/<id>} naming entry and refuses NODE_START and arriving migrations, clones and
 * restores with {@link dev.caravan.wire.ErrorCode#UNSCHEDULABLE} until NODE_UNCORDON. Cordoning
 * is not persisted: a restarted node is schedulable.
 */
public final class NodeProtocol {
    /** Largest bundle accepted, well under the frame limit. */
    public static final int MAX_BUNDLE_BYTES = 48 * 1024 * 1024;

    private NodeProtocol() {
    }
}
