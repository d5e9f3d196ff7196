package dev.caravan.mobility.enhance;

import dev.caravan.core.mobility.CloneResult;
import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.command.Reply;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A LoopContext that suspends the way SuspendPoint documents and records replies as text. */
final class FakeLoopContext implements LoopContext {
    final List<String> replies = new ArrayList<>();

    @Override
    public Request receive() {
        return SuspendPoint.suspend(this, "receive") instanceof Request r ? r : null;
    }

    @Override
    public void reply(Request request, Reply reply) {
        replies.add(switch (reply) {
            case Reply.Bulk b -> new String(b.value(), StandardCharsets.UTF_8);
            case Reply.Int i -> Long.toString(i.value());
            default -> reply.toString();
        });
    }

    @Override
    public void sleep(long ms) {
        SuspendPoint.suspend(this, "sleep");
    }

    @Override
    public MoveResult moveTo(String nodeId) {
        return SuspendPoint.suspend(this, "moveTo") instanceof MoveResult m ? m : null;
    }

    @Override
    public CloneResult cloneTo(String nodeId, String cloneName) {
        return SuspendPoint.suspend(this, "cloneTo") instanceof CloneResult c ? c : null;
    }

    @Override
    public String nodeId() {
        return "n1";
    }

    @Override
    public ProcessContext process() {
        throw new UnsupportedOperationException();
    }

    String lastReply() {
        return replies.getLast();
    }
}
