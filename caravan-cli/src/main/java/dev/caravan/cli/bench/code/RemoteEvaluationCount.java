package dev.caravan.cli.bench.code;

import dev.caravan.client.CaravanClient;
import dev.caravan.lab.code.CountMatching;
import dev.caravan.lab.code.DataSet;
import dev.caravan.naming.NamingSpec;
import dev.caravan.wire.BodyWriter;
import dev.caravan.wire.ErrorCode;
import dev.caravan.wire.Frame;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.node.EvalRequest;
import dev.caravan.wire.node.EvalResult;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The remote-evaluation side of {@code caravan lab code}: a fresh client ships
 * {@link CountMatching} (so each run pushes the bundle again) and gets the count. Bytes moved are
 * the frames of the bundle push and of the evaluation, both ways, headers included, computed
 * from their encodings; the connection's handshake and the naming lookup (a few hundred bytes,
 * which client-server's RESP connection does not need) are not counted.
 */
public final class RemoteEvaluationCount {
    private static final int FRAME_OVERHEAD = 4 + Frame.HEADER_AFTER_LENGTH;

    /** The count, what it cost, and what the node measured. */
    public record Outcome(long count, long bytesMoved, long nodeNanos, long allocatedBytes) {
    }

    private RemoteEvaluationCount() {
    }

    public static Outcome run(NamingSpec naming, String process, byte[] jar, Duration timeBudget, long memoryBudgetBytes) {
        List<byte[]> args = List.of(DataSet.PATTERN.getBytes(StandardCharsets.UTF_8));
        try (CaravanClient client = CaravanClient.connect(naming, "", Duration.ofSeconds(30))) {
            EvalResult r = client.evaluate(process, jar, CountMatching.class.getName(), args, timeBudget, memoryBudgetBytes);
            if (!(r.reply() instanceof Reply.Int count)) {
                throw ErrorCode.INTERNAL.exception("the counting function answered " + r.reply());
            }
            long push = FRAME_OVERHEAD + 4 + 4 + jar.length + FRAME_OVERHEAD + 4 + 64;
            BodyWriter request = new BodyWriter();
            new EvalRequest(process, "0".repeat(64), CountMatching.class.getName(), args, timeBudget.toMillis(), memoryBudgetBytes)
                    .writeTo(request);
            BodyWriter reply = new BodyWriter();
            r.writeTo(reply);
            long eval = FRAME_OVERHEAD + request.size() + FRAME_OVERHEAD + reply.size();
            return new Outcome(count.value(), push + eval, r.elapsedNs(), r.allocatedBytes());
        }
    }
}
