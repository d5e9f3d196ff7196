package dev.caravan.wire.node;

import dev.caravan.wire.BodyReader;
import dev.caravan.wire.BodyWriter;

/**
 * An idle node's request that a loaded one push it a process ({@link dev.caravan.wire.Op#BALANCE_PULL},
 * receiver-initiated balancing). The loaded node chooses the process and may refuse.
 *
 * <pre>
 * pull  := string fromNode, string metric, i32 loadPermille
 * reply := bool accepted, string process, string detail     (process "" when refused; detail says why)
 * </pre>
 *
 * @param fromNode     the node asking (the destination of the push)
 * @param metric       the metric it balances by: cpu, memory or rate
 * @param loadPermille its load in that metric, thousandths of its capacity
 */
public record PullRequest(String fromNode, String metric, int loadPermille) {

    public void writeTo(BodyWriter w) {
        w.string(fromNode).string(metric).i32(loadPermille);
    }

    public static PullRequest readFrom(BodyReader r) {
        return new PullRequest(r.string(), r.string(), r.i32());
    }

    /** The loaded node's answer: the process it started to push, or why it refused. */
    public record Reply(boolean accepted, String process, String detail) {
        public static Reply refused(String why) {
            return new Reply(false, "", why);
        }

        public void writeTo(BodyWriter w) {
            w.bool(accepted).string(process).string(detail);
        }

        public static Reply readFrom(BodyReader r) {
            return new Reply(r.bool(), r.string(), r.string());
        }
    }
}
