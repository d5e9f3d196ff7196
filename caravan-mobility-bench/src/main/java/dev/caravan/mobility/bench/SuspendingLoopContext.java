package dev.caravan.mobility.bench;

import dev.caravan.core.mobility.CloneResult;
import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.mobility.enhance.SuspendPoint;
import dev.caravan.wire.command.Reply;

/** A LoopContext whose receive suspends the continuation, as the runtime's does (see SuspendPoint). */
final class SuspendingLoopContext implements LoopContext {
    @Override
    public Request receive() {
        return SuspendPoint.suspend(this, "receive") instanceof Request r ? r : null;
    }

    @Override
    public void reply(Request request, Reply reply) {
    }

    @Override
    public void sleep(long ms) {
        SuspendPoint.suspend(this, "sleep");
    }

    @Override
    public MoveResult moveTo(String nodeId) {
        throw new UnsupportedOperationException("not measured");
    }

    @Override
    public CloneResult cloneTo(String nodeId, String cloneName) {
        throw new UnsupportedOperationException("not measured");
    }

    @Override
    public String nodeId() {
        return "bench";
    }

    @Override
    public ProcessContext process() {
        throw new UnsupportedOperationException("not measured");
    }
}
