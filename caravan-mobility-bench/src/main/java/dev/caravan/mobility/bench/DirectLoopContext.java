package dev.caravan.mobility.bench;

import dev.caravan.core.mobility.CloneResult;
import dev.caravan.core.mobility.LoopContext;
import dev.caravan.core.mobility.MoveResult;
import dev.caravan.core.mobility.Request;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.command.Reply;

/** A LoopContext that never suspends: receive returns the same request {@code remaining} times, then null. */
final class DirectLoopContext implements LoopContext {
    private final Request request;
    private int remaining;

    DirectLoopContext(Request request) {
        this.request = request;
    }

    DirectLoopContext reset(int requests) {
        remaining = requests;
        return this;
    }

    @Override
    public Request receive() {
        return remaining-- > 0 ? request : null;
    }

    @Override
    public void reply(Request request, Reply reply) {
    }

    @Override
    public void sleep(long ms) {
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
